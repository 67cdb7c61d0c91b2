"""The demo's supplies, in the first community (光明社区, where community1 works): its store
and a holder at each of its checkpoints; an allocation from above, a purchase and a
donation from a named business (a batch of it expiring soon), the checkpoints stocked from
the store, masks handed out at the gates and to households every day of the last
``ISSUE_DAYS`` days, reorder levels, and one checkpoint's masks below their level, so that
a low-stock alert is open. Every movement goes through the stock ledger's service, as
community1; everything comes from one ``random.Random(seed)``."""

import datetime
import random
import uuid
from decimal import Decimal

from django.utils import timezone

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.checkpoints.models import Checkpoint
from shoumen.demo.checkpoints import PASS_COMMUNITY_CODE
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household
from shoumen.supplies.models import Balance, Holder, HolderKind, Item, Movement
from shoumen.supplies.services import movement_record
from shoumen.supplies.setup_services import reorder_level_set

SUPPLIES_COMMUNITY_CODE = PASS_COMMUNITY_CODE
ISSUE_DAYS = 14
DONOR = "华联超市光明店"
MASKS, KN95, DISINFECTANT, ALCOHOL = "医用外科口罩", "KN95口罩", "84消毒液", "75%酒精"
# (item, quantity, source, donor, batch, days before the reference day, expires in days)
RECEIPTS = [
    (MASKS, 3000, "allocation", "", "QX2026-05", 20, 700),
    (KN95, 600, "allocation", "", "QX2026-05K", 20, 700),
    (DISINFECTANT, 120, "purchase", "", "", 18, 365),
    (ALCOHOL, 200, "donation", DONOR, "HL-0421", 16, 20),
]
# What each checkpoint gets from the store, and the level below which it is low.
GATE_STOCK = {MASKS: (600, 150), ALCOHOL: (40, 10)}
GATE_NOTE = "卡点值守人员领用"
STORE_LEVELS = {MASKS: 800, KN95: 100, DISINFECTANT: 30, ALCOHOL: 40}


def _at(day: datetime.date, hour: int, minute: int, now: datetime.datetime) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(at, now)


def _staff(community: OrgUnit):
    assignment = (
        RoleAssignment.objects.filter(org_unit=community, role=Role.COMMUNITY_STAFF)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise RuntimeError("the demo's supplies need the community's staff login")
    return assignment.user


def demo_supplies_load(
    district: OrgUnit, *, day: datetime.date, seed: int, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Load the first community's supplies (see the module's docstring); the counts."""
    rng = random.Random(seed * 13 + 5)  # noqa: S311 (demo data, not secrets)
    now = now or timezone.now()
    community = OrgUnit.objects.get(code=SUPPLIES_COMMUNITY_CODE, path__startswith=district.path)
    staff = _staff(community)
    items = {i.name: i for i in Item.objects.filter(org_unit=None)}

    def record(kind, item, holder, quantity, at, **more):
        movement_record(
            actor=staff,
            client_uuid=uuid.UUID(int=rng.getrandbits(128)),
            kind=kind,
            item=items[item],
            holder=holder,
            quantity=quantity,
            at=at,
            **more,
        )

    store = Holder.objects.create(
        org_unit=community, kind=HolderKind.STORE, name=f"{community.name}物资库房"
    )
    gates = [
        Holder.objects.create(org_unit=community, kind=HolderKind.CHECKPOINT, name=c.name)
        for c in Checkpoint.objects.filter(community=community).order_by("pk")
    ]
    for name, quantity, source, donor, batch, before, expires in RECEIPTS:
        received = day - datetime.timedelta(days=before)
        record(
            "receive",
            name,
            store,
            quantity,
            _at(received, 9, 30, now),
            source=source,
            donor=donor,
            batch=batch,
            expires_on=day + datetime.timedelta(days=expires),
        )
    stocked = day - datetime.timedelta(days=ISSUE_DAYS + 1)
    for gate in gates:
        for name, (quantity, _level) in GATE_STOCK.items():
            record("transfer", name, store, quantity, _at(stocked, 15, 0, now), to_holder=gate)
    households = list(
        Household.objects.filter(grid__path__startswith=community.path).order_by("pk")[:200]
    )
    for back in range(ISSUE_DAYS, -1, -1):
        on = day - datetime.timedelta(days=back)
        for gate in gates:
            at = _at(on, 8, rng.randint(0, 59), now)
            record("issue", MASKS, gate, rng.randint(15, 35), at, note=GATE_NOTE)
        for household in rng.sample(households, min(len(households), rng.randint(2, 5))):
            record(
                "issue",
                MASKS,
                store,
                rng.choice((5, 10)),
                _at(on, rng.randint(9, 16), rng.randint(0, 59), now),
                household=household,
            )
        if back % 5 == 0:
            record("issue", DISINFECTANT, store, rng.randint(3, 8), _at(on, 10, 0, now))
    for name, level in STORE_LEVELS.items():
        reorder_level_set(actor=staff, holder=store, item=items[name], level=level)
    for i, gate in enumerate(gates):
        for name, (_quantity, level) in GATE_STOCK.items():
            held = Balance.objects.get(holder=gate, item=items[name]).quantity
            # The first gate's masks are running out: their level stands above what is left;
            # every other level is at most what is held.
            chosen = held + 50 if i == 0 and name == MASKS else min(Decimal(level), held)
            reorder_level_set(actor=staff, holder=gate, item=items[name], level=chosen)
    return demo_supplies_counts(district)


def demo_supplies_counts(district: OrgUnit) -> dict[str, int]:
    under = {"org_unit__path__startswith": district.path}
    return {
        "supply_holders": Holder.objects.filter(**under).count(),
        "supply_movements": Movement.objects.filter(
            holder__org_unit__path__startswith=district.path
        ).count(),
        "supply_low_stock_alerts": Alert.objects.filter(
            cause=Cause.SUPPLIES_LOW_STOCK,
            status__in=OPEN_STATUSES,
            grid__path__startswith=district.path,
        ).count(),
    }
