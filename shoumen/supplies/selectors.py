"""Reads of the supplies, scoped by the holder's org unit path: those who hand supplies out
(``issue_supplies``) see the holders under their units; those who manage them
(``manage_supplies``) also receive, transfer, count and set them up. Stock with its low-stock
flags and days of cover, batches close to expiry, a holder's movements."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import unit_by_code_or_id
from shoumen.supplies.models import Balance, Holder, Item, Movement, MovementKind
from shoumen.supplies.rules import cover_days, expiry_warn_days

OUT_KINDS = (MovementKind.ISSUE, MovementKind.TRANSFER)


def _ancestor_paths(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def communities_visible_to(user, perm: str = Perm.ISSUE_SUPPLIES) -> QuerySet[OrgUnit]:
    """Communities with a holder the user may see under ``perm``: those under the user's
    units, and the community a grid worker's grid lies in."""
    paths = scope_paths(user, perm)
    if not paths:
        return OrgUnit.objects.none()
    communities = OrgUnit.objects.filter(level=Level.COMMUNITY).order_by("path")
    if paths == [""]:
        return communities
    above = {p for path in paths for p in _ancestor_paths(path)}
    return communities.filter(scope_q(user, perm, "path") | Q(path__in=sorted(above)))


def community_for(user, pk: int, perm: str = Perm.ISSUE_SUPPLIES) -> OrgUnit:
    """A community of ``communities_visible_to`` (DoesNotExist otherwise)."""
    return communities_visible_to(user, perm).get(pk=pk)


def managed_community_for(user, pk: int) -> OrgUnit:
    """A community whose supplies the user manages as a whole (DoesNotExist otherwise)."""
    return OrgUnit.objects.filter(
        scope_q(user, Perm.MANAGE_SUPPLIES, "path"), level=Level.COMMUNITY
    ).get(pk=pk)


def managed_community_by_code_or_id(user, value: str) -> OrgUnit:
    return unit_by_code_or_id(
        OrgUnit.objects.filter(scope_q(user, Perm.MANAGE_SUPPLIES, "path"), level=Level.COMMUNITY),
        value,
    )


def holders_visible_to(user, perm: str = Perm.ISSUE_SUPPLIES) -> QuerySet[Holder]:
    return Holder.objects.filter(scope_q(user, perm, "org_unit__path")).select_related(
        "org_unit", "worker"
    )


def holders_of(
    user, community: OrgUnit | None, perm: str = Perm.ISSUE_SUPPLIES, active_only: bool = False
) -> QuerySet[Holder]:
    qs = holders_visible_to(user, perm)
    if community is not None:
        qs = qs.filter(org_unit__path__startswith=community.path)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("org_unit__path", "kind", "name", "pk")


def holder_for(user, pk: int, perm: str = Perm.ISSUE_SUPPLIES) -> Holder:
    return holders_visible_to(user, perm).get(pk=pk)


def holder_places_and_workers(community: OrgUnit) -> tuple[QuerySet[OrgUnit], QuerySet]:
    """Where a new holder of ``community`` may stand (the community or one of its grids),
    and whose kit it may be (the active logins working in the community)."""
    units = OrgUnit.objects.filter(
        path__startswith=community.path, level__in=[Level.COMMUNITY, Level.GRID]
    ).order_by("path")
    working_here = RoleAssignment.objects.filter(org_unit__path__startswith=community.path)
    workers = User.objects.filter(is_active=True, pk__in=working_here.values("user_id")).order_by(
        "display_name", "username"
    )
    return units, workers


def items_usable_at(unit: OrgUnit, active_only: bool = True) -> QuerySet[Item]:
    """The standard items and those added by ``unit`` or a unit above it."""
    qs = Item.objects.filter(
        Q(org_unit__isnull=True) | Q(org_unit__path__in=_ancestor_paths(unit.path))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("org_unit").order_by("kind", "name", "pk")


def items_visible_to(user) -> QuerySet[Item]:
    """The standard items and those added by a unit the user sees holders under (or above)."""
    paths = scope_paths(user, Perm.ISSUE_SUPPLIES)
    if not paths:
        return Item.objects.none()
    if paths == [""]:
        return Item.objects.filter(is_active=True).order_by("kind", "name", "pk")
    above = {p for path in paths for p in _ancestor_paths(path)}
    q = Q(org_unit__isnull=True) | Q(org_unit__path__in=sorted(above))
    q |= scope_q(user, Perm.ISSUE_SUPPLIES, "org_unit__path")
    return Item.objects.filter(q, is_active=True).order_by("kind", "name", "pk")


def item_for(user, pk: int) -> Item:
    return items_visible_to(user).get(pk=pk)


@dataclass
class StockRow:
    balance: Balance
    cover: Decimal | None  # days of cover; None when nothing went out lately

    @property
    def holder(self) -> Holder:
        return self.balance.holder

    @property
    def item(self) -> Item:
        return self.balance.item

    @property
    def low(self) -> bool:
        level = self.balance.reorder_level
        return level is not None and self.balance.quantity < level


def use_per_day(
    pairs: list[tuple[int, int]], *, now: datetime.datetime | None = None
) -> dict[tuple[int, int], Decimal]:
    """Average daily quantity issued and transferred out of each (holder, item) over the
    last ``cover_days()`` days (movements recorded at or after now minus that many days);
    pairs with no use are left out. One query."""
    if not pairs:
        return {}
    days = cover_days()
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    holders = {h for h, _i in pairs}
    items = {i for _h, i in pairs}
    rows = (
        Movement.objects.filter(
            kind__in=OUT_KINDS, holder_id__in=holders, item_id__in=items, recorded_at__gte=since
        )
        .values("holder_id", "item_id")
        .annotate(out=Sum("quantity"))
        .values_list("holder_id", "item_id", "out")
        .order_by()
    )
    wanted = set(pairs)
    return {(h, i): out / days for h, i, out in rows if out and (h, i) in wanted}


def days_of_cover(quantity: Decimal, per_day: Decimal | None) -> Decimal | None:
    """Balance over average daily use, to one decimal; None with no use."""
    if not per_day:
        return None
    return (quantity / per_day).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def stock_rows(
    holders, *, now: datetime.datetime | None = None, holder_only: bool = False
) -> list[StockRow]:
    """The balances of ``holders`` that hold something or have a reorder level, by holder
    and item, with days of cover. Two queries."""
    balances = list(
        Balance.objects.filter(holder__in=holders)
        .filter(Q(quantity__gt=0) | Q(reorder_level__isnull=False))
        .select_related("holder__org_unit", "item")
        .order_by("holder__org_unit__path", "holder__name", "holder_id", "item__kind", "item__name")
    )
    use = use_per_day([(b.holder_id, b.item_id) for b in balances], now=now)
    return [
        StockRow(b, days_of_cover(b.quantity, use.get((b.holder_id, b.item_id)))) for b in balances
    ]


@dataclass
class ExpiringBatch:
    movement: Movement
    held: Decimal  # what the holder still holds of the item

    @property
    def expired(self) -> bool:
        return self.movement.expires_on is not None and self.movement.expires_on < today()


def expiring_batches(holders, *, day: datetime.date | None = None) -> list[ExpiringBatch]:
    """Receipts whose batch expires on or before ``day`` plus ``expiry_warn_days()`` (those
    already expired included), at holders that still hold some of the item; soonest first."""
    day = day or today()
    until = day + datetime.timedelta(days=expiry_warn_days())
    receipts = list(
        Movement.objects.filter(
            kind=MovementKind.RECEIVE, holder__in=holders, expires_on__lte=until
        )
        .select_related("holder", "item")
        .order_by("expires_on", "holder__name", "pk")
    )
    if not receipts:
        return []
    held = {
        (h, i): q
        for h, i, q in Balance.objects.filter(
            holder_id__in={m.holder_id for m in receipts},
            item_id__in={m.item_id for m in receipts},
            quantity__gt=0,
        ).values_list("holder_id", "item_id", "quantity")
    }
    return [
        ExpiringBatch(m, held[(m.holder_id, m.item_id)])
        for m in receipts
        if (m.holder_id, m.item_id) in held
    ]


def movements_of(holder: Holder) -> QuerySet[Movement]:
    """Movements out of and into ``holder``, newest first."""
    return (
        Movement.objects.filter(Q(holder=holder) | Q(to_holder=holder))
        .select_related("item", "holder", "to_holder", "household", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def movements_in_period(
    holders, start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Movement]:
    """Movements of ``holders`` (out of or into them) recorded on local days start..end."""
    qs = Movement.objects.filter(Q(holder__in=holders) | Q(to_holder__in=holders))
    if start is not None:
        qs = qs.filter(recorded_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(recorded_at__lt=_day_start(end + datetime.timedelta(days=1)))
    return qs.select_related("item", "holder", "to_holder", "household", "recorded_by").order_by(
        "recorded_at", "pk"
    )


def donations_of(holders) -> QuerySet[Movement]:
    return (
        Movement.objects.filter(holder__in=holders, kind=MovementKind.RECEIVE, source="donation")
        .select_related("item", "holder")
        .order_by("recorded_at", "pk")
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def low_stock_count(holders) -> int:
    return Balance.objects.filter(
        holder__in=holders, reorder_level__isnull=False, quantity__lt=F("reorder_level")
    ).count()


def group_by_holder(rows: list[StockRow]) -> list[tuple[Holder, list[StockRow]]]:
    grouped: dict[int, list[StockRow]] = defaultdict(list)
    order: list[Holder] = []
    for row in rows:
        if row.balance.holder_id not in grouped:
            order.append(row.holder)
        grouped[row.balance.holder_id].append(row)
    return [(h, grouped[h.pk]) for h in order]


def community_of_holder(holder: Holder) -> OrgUnit:
    from shoumen.supplies.low_stock import community_of

    return community_of(holder.org_unit)
