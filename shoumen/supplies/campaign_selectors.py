"""Reads about distribution campaigns: the campaigns a worker sees, coverage by grid (the
households in scope now and those given their share), the households still to give, and
the open campaigns a visited household is due a share of."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_paths, scope_q
from shoumen.lib.dates import today
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery, CampaignStatus
from shoumen.supplies.models import Holder, HolderKind, Item


def _natural(field: str) -> list:
    """Numbers in names compare as numbers, as on a screening round's list."""
    return [Length(field), field]


# Building, unit, door: the order a worker walks a neighbourhood in.
HOUSEHOLD_ORDER = [
    *_natural("building__name"),
    *_natural("unit"),
    *_natural("door_number"),
    "address",
]


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns over the user's scope or part of it, and those over a wider unit that
    includes it (a community's campaign reaches each of its grid workers)."""
    paths = scope_paths(user, Perm.ISSUE_SUPPLIES)
    base = Campaign.objects.select_related("scope", "item", "source")
    if paths == [""]:
        return base
    wider = {p[:i] for p in paths for i in range(OrgUnit.steplen, len(p), OrgUnit.steplen)}
    return base.filter(scope_q(user, Perm.ISSUE_SUPPLIES, "scope__path") | Q(scope__path__in=wider))


def campaigns_touching(user, unit: OrgUnit) -> QuerySet[Campaign]:
    """The user's campaigns over ``unit``, part of it, or a wider unit that includes it."""
    path = unit.path
    wider = [path[:i] for i in range(OrgUnit.steplen, len(path), OrgUnit.steplen)]
    return campaigns_visible_to(user).filter(
        Q(scope__path__startswith=path) | Q(scope__path__in=wider)
    )


def campaign_for(user, *, pk: int) -> Campaign:
    return campaigns_visible_to(user).get(pk=pk)


def manages(user, campaign: Campaign) -> bool:
    return can(user, Perm.MANAGE_SUPPLIES, campaign.scope)


def households_in(user, campaign: Campaign) -> QuerySet[Household]:
    """The households in the campaign's scope now, as far as the user hands out."""
    return Household.objects.filter(
        scope_q(user, Perm.ISSUE_SUPPLIES, "grid__path"),
        grid__path__startswith=campaign.scope.path,
    )


def _given(campaign: Campaign) -> Exists:
    return Exists(CampaignDelivery.objects.filter(campaign=campaign, household=OuterRef("pk")))


def coverage_by_grid(user, campaign: Campaign) -> list[dict]:
    """Per grid in the user's part of the campaign: households, given, percent."""
    rows = (
        households_in(user, campaign)
        .annotate(given=_given(campaign))
        .order_by()
        .values("grid_id", "grid__name", "grid__path", "grid__code")
        .annotate(households=Count("id"), delivered=Count("id", filter=Q(given=True)))
        .order_by("grid__path")
    )
    return [_with_percent({**row, "name": row["grid__name"]}) for row in rows]


def coverage_total(rows: list[dict]) -> dict:
    return _with_percent(
        {
            "households": sum(r["households"] for r in rows),
            "delivered": sum(r["delivered"] for r in rows),
        }
    )


def _with_percent(row: dict) -> dict:
    households = row["households"]
    row["to_give"] = households - row["delivered"]
    row["percent"] = round(100 * row["delivered"] / households) if households else 0
    return row


def households_to_give(user, campaign: Campaign, *, grid_id: int | None = None):
    """The households in the user's part not yet given their share, in walking order."""
    qs = households_in(user, campaign).filter(~_given(campaign))
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    return qs.select_related("building", "grid").order_by("grid__path", *HOUSEHOLD_ORDER, "pk")


def household_to_give(user, campaign: Campaign, *, pk: int) -> Household:
    """One household in the user's part of the campaign, or DoesNotExist."""
    return households_in(user, campaign).select_related("grid").get(pk=pk)


def grids_of(user, campaign: Campaign) -> list[OrgUnit]:
    """The grids of the user's part of the campaign, to choose the list from."""
    return list(
        OrgUnit.objects.filter(
            scope_q(user, Perm.ISSUE_SUPPLIES, "path"),
            path__startswith=campaign.scope.path,
            level="grid",
        ).order_by("path")
    )


def deliveries_of(user, campaign: Campaign) -> QuerySet[CampaignDelivery]:
    """The campaign's deliveries in the user's scope (the ledger), by grid then time."""
    return (
        CampaignDelivery.objects.filter(
            scope_q(user, Perm.ISSUE_SUPPLIES, "household__grid__path"), campaign=campaign
        )
        .select_related("household__building", "household__grid", "delivered_by")
        .order_by("household__grid__path", "delivered_at", "pk")
    )


def campaigns_due_for(household: Household) -> list[Campaign]:
    """Open, started campaigns over the household's grid that have not yet given to it."""
    path = household.grid.path
    prefixes = [path[:i] for i in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen)]
    return list(
        Campaign.objects.filter(
            status=CampaignStatus.OPEN,
            scope__path__in=prefixes,
            starts_on__lte=today(),
        )
        .exclude(deliveries__household=household)
        .select_related("item", "scope", "source")
        .order_by("pk")
    )


# ---------------------------------------------------------------- the new campaign form


def units_for_campaign(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        scope_q(user, Perm.MANAGE_SUPPLIES, "path"), level__in=["grid", "community", "street"]
    ).order_by("path")


def items_for_campaign(user) -> QuerySet[Item]:
    """Items in use: the standard list and those added within the user's scope."""
    return Item.objects.filter(
        Q(org_unit__isnull=True) | scope_q(user, Perm.MANAGE_SUPPLIES, "org_unit__path"),
        is_active=True,
    ).order_by("kind", "name")


def holders_for_campaign(user) -> QuerySet[Holder]:
    """Holders in use that the user manages, other than workers' kits."""
    return (
        Holder.objects.filter(scope_q(user, Perm.MANAGE_SUPPLIES, "org_unit__path"), is_active=True)
        .exclude(kind=HolderKind.WORKER_KIT)
        .select_related("org_unit")
        .order_by("org_unit__path", "name")
    )
