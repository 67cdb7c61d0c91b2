"""The demo's distribution campaign, in the first community (where community1, grid1 and
grid2 work): "one pack of masks per household" handed out from the community's store since
three days ago, half the households given so far, each by its grid's worker (or the
community's staff where a grid has none), at a time of day drawn from ``random.Random``
(seed). The store gets its own allocation of masks first when it holds too few; the stock
part of the demo makes the same store by the same name, so either may come first."""

import datetime
import random
import uuid

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.demo.duty import DUTY_COMMUNITY_CODE
from shoumen.demo.duty_rosters import demo_time
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery
from shoumen.supplies.campaign_services import campaign_create, delivery_record
from shoumen.supplies.models import Balance, Holder, HolderKind, Item, ItemKind, Source
from shoumen.supplies.services import movement_record

STORE_NAME = "社区物资库"
CAMPAIGN_NAME = "一户一包口罩"
MASKS = ("医用外科口罩", "个")
PER_HOUSEHOLD = 10
STARTED_DAYS_AGO = 3
LASTS_DAYS = 7
# Deterministic client UUIDs: loading twice with a seed gives the same deliveries.
NAMESPACE = uuid.UUID("8e1f5a02-4c3d-4b7a-9d6e-31f0c2a7b854")


def _staff(community: OrgUnit) -> User | None:
    """The community's first staff login, who creates the campaign and fills the store."""
    found = (
        RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, org_unit=community)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found else None


def _grid_workers(community: OrgUnit) -> dict[int, User]:
    """Each grid's first worker (by assignment), by grid id."""
    firsts = (
        RoleAssignment.objects.filter(
            role=Role.GRID_WORKER, org_unit__path__startswith=community.path, user__is_active=True
        )
        .values("org_unit_id")
        .annotate(first=Min("pk"))
    )
    by_pk = {
        a.pk: a
        for a in RoleAssignment.objects.filter(pk__in=[f["first"] for f in firsts]).select_related(
            "user"
        )
    }
    return {a.org_unit_id: a.user for a in by_pk.values()}


def _store(community: OrgUnit, staff: User, item: Item, needed: int, seed: int) -> Holder:
    # The community's store of the supplies demo, when it was loaded.
    store = (
        Holder.objects.filter(org_unit=community, kind=HolderKind.STORE).order_by("pk").first()
        or Holder.objects.get_or_create(
            org_unit=community, name=STORE_NAME, defaults={"kind": HolderKind.STORE}
        )[0]
    )
    held = Balance.objects.filter(holder=store, item=item).values_list("quantity", flat=True)
    have = int(held.first() or 0)
    if have < needed:
        # A round thousand above what the campaign still needs, as an allocation arrives.
        amount = (needed - have) // 1000 * 1000 + 1000
        movement_record(
            actor=staff,
            client_uuid=uuid.uuid5(NAMESPACE, f"{seed}:receipt:{community.code}"),
            kind="receive",
            item=item,
            holder=store,
            quantity=amount,
            source=Source.ALLOCATION,
            batch=f"FK{seed:04d}",
            note="街道下拨防疫口罩",
        )
    return store


@transaction.atomic
def demo_supplies_campaigns_load(
    district: OrgUnit, *, day: datetime.date, seed: int
) -> dict[str, int]:
    """Load the first community's mask campaign, half given (see the module's docstring);
    the counts."""
    community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE, path__startswith=district.path)
    staff = _staff(community)
    if staff is None or Campaign.objects.filter(scope=community, name=CAMPAIGN_NAME).exists():
        return demo_supplies_campaigns_counts(district)
    rng = random.Random(seed * 17 + 7)  # noqa: S311 (demo data, not secrets)
    item = Item.objects.get_or_create(
        name=MASKS[0], unit=MASKS[1], org_unit=None, defaults={"kind": ItemKind.MASK}
    )[0]
    households = list(
        Household.objects.filter(grid__path__startswith=community.path)
        .select_related("grid")
        .order_by("pk")
    )
    given = sorted(rng.sample(households, len(households) // 2), key=lambda h: h.pk)
    store = _store(community, staff, item, len(given) * PER_HOUSEHOLD, seed)
    start = day - datetime.timedelta(days=STARTED_DAYS_AGO)
    campaign = campaign_create(
        actor=staff,
        scope=community,
        name=CAMPAIGN_NAME,
        item=item,
        quantity=PER_HOUSEHOLD,
        source=store,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=LASTS_DAYS - 1),
    )
    workers = _grid_workers(community)
    # Nothing handed out later than now, or than the end of the demo's day.
    latest = min(timezone.now(), demo_time(day, 0) + datetime.timedelta(days=1))
    for household in given:
        when = demo_time(start + datetime.timedelta(days=rng.randrange(STARTED_DAYS_AGO + 1)), 9)
        when += datetime.timedelta(minutes=rng.randrange(9 * 60))
        delivery_record(
            actor=workers.get(household.grid_id, staff),
            campaign=campaign,
            household=household,
            client_uuid=uuid.uuid5(NAMESPACE, f"{seed}:{household.pk}"),
            at=min(when, latest),
        )
    return demo_supplies_campaigns_counts(district)


def demo_supplies_campaigns_counts(district: OrgUnit) -> dict[str, int]:
    return {
        "supply_campaigns": Campaign.objects.filter(scope__path__startswith=district.path).count(),
        "campaign_deliveries": CampaignDelivery.objects.filter(
            campaign__scope__path__startswith=district.path
        ).count(),
    }
