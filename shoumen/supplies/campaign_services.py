"""Writes of distribution campaigns: create and close a campaign, and give a household its
share. A delivery is an issue movement of the stock ledger from the campaign's store to
the household, recorded with it in one transaction: refused below zero like any issue,
once per household and campaign, and a phone sending it twice (the same client UUID) gets
the first answer back."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.text import clean_line
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Household
from shoumen.supplies import services as stock
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery, CampaignStatus
from shoumen.supplies.models import Holder, Item, MovementKind

ERR_NAME = _("Give the campaign a name.")
ERR_SCOPE_LEVEL = _("A campaign covers grids, a community or a street.")
ERR_DATES = _("The campaign must end on or after its first day.")
ERR_PER_HOUSEHOLD = _("Enter how many each household gets: a whole number from 1 to %(max)d.")
ERR_SOURCE_SCOPE = _("Choose a store of the campaign's unit or above it.")
ERR_SOURCE_INACTIVE = _("This store is no longer in use.")
ERR_ITEM = _("This item is not in use here.")
ERR_CLOSED = _("This campaign is closed.")
ERR_NOT_STARTED = _("This campaign starts on %(day)s.")
ERR_OUTSIDE = _("This household is not in the campaign's area.")
ERR_ALREADY_GIVEN = _("This household was already given its share on %(day)s.")
ERR_FUTURE = _("A delivery cannot be recorded for a time still to come.")
ERR_UUID_REUSED = _("This client UUID was used for another delivery.")

CAMPAIGN_LEVELS = {Level.GRID, Level.COMMUNITY, Level.STREET}
MAX_PER_HOUSEHOLD = 1000
# Movements of deliveries get their client UUID from the delivery's.
MOVEMENT_NAMESPACE = uuid.UUID("5d0f7c1e-3b0a-4a7e-9a53-6c2f1b9e8d41")

ACTION_LABELS = {
    "campaign.create": _("Distribution campaign created"),
    "campaign.close": _("Distribution campaign closed"),
    "campaign.deliver": _("Household given its share"),
    "campaign.ledger_export": _("Distribution ledger exported"),
}


def _check_source(source: Holder, scope: OrgUnit, item: Item) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not scope.path.startswith(source.org_unit.path):
        errors["source"] = [ERR_SOURCE_SCOPE]
    elif not source.is_active:
        errors["source"] = [ERR_SOURCE_INACTIVE]
    usable = item.org_unit is None or source.org_unit.path.startswith(item.org_unit.path)
    if not item.is_active or not usable:
        errors["item"] = [ERR_ITEM]
    return errors


@transaction.atomic
def campaign_create(
    *,
    actor,
    scope: OrgUnit,
    name: str,
    item: Item,
    quantity: int,
    source: Holder,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Campaign:
    """A campaign over ``scope``: each household in it is to get ``quantity`` of ``item``
    from ``source``. Whoever creates it manages supplies over the scope and the store; the
    grid workers of the scope then hand out from that store."""
    require(actor, Perm.MANAGE_SUPPLIES, scope)
    require(actor, Perm.MANAGE_SUPPLIES, source.org_unit)
    errors: dict[str, list] = {}
    name = clean_line(name or "")[:100]
    if not name:
        errors["name"] = [ERR_NAME]
    if scope.level not in CAMPAIGN_LEVELS:
        errors["scope"] = [ERR_SCOPE_LEVEL]
    if ends_on < starts_on:
        errors["ends_on"] = [ERR_DATES]
    whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not whole or not 1 <= quantity <= MAX_PER_HOUSEHOLD:
        errors["quantity"] = [ERR_PER_HOUSEHOLD % {"max": MAX_PER_HOUSEHOLD}]
    errors |= _check_source(source, scope, item)
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        name=name,
        item=item,
        quantity=quantity,
        scope=scope,
        source=source,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        action="campaign.create",
        target=campaign,
        org_path=scope.path,
        changes={
            "name": name,
            "item": item.name,
            "quantity": quantity,
            "source": source.name,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close a campaign: nothing more is handed out under it. Closing twice changes nothing."""
    require(actor, Perm.MANAGE_SUPPLIES, campaign.scope)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        return campaign
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit_event_record(
        actor=actor,
        action="campaign.close",
        target=campaign,
        org_path=campaign.scope.path,
        changes={"status": CampaignStatus.CLOSED},
    )
    return campaign


def delivery_record(
    *,
    actor,
    campaign: Campaign,
    household: Household,
    client_uuid: uuid.UUID,
    visit=None,
    at: datetime.datetime | None = None,
) -> tuple[CampaignDelivery, bool]:
    """Give ``household`` its share: an issue of the campaign's quantity from its store,
    with the delivery, in one transaction. Returns the delivery and whether it is new
    (False: the same client UUID was recorded before, nothing changes). ``at``: when it
    was handed out, for a phone that was offline (now when left out; never in the
    future)."""
    replay = _replay(client_uuid, campaign, household)
    if replay is not None:
        return replay, False
    require(actor, Perm.ISSUE_SUPPLIES, household.grid)
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": [ERR_FUTURE]})
    try:
        _check_delivery(campaign, household)
        with transaction.atomic():
            delivery = _deliver(actor, campaign, household, client_uuid, visit, at or now)
    except (IntegrityError, ValidationError) as exc:
        # A copy sent at the same moment won (its delivery now stands), or another worker
        # gave the same household.
        winner = _replay(client_uuid, campaign, household)
        if winner is not None:
            return winner, False
        if isinstance(exc, IntegrityError):
            _check_delivery(campaign, household)
        raise
    return delivery, True


def _replay(client_uuid, campaign: Campaign, household: Household) -> CampaignDelivery | None:
    existing = CampaignDelivery.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.campaign_id != campaign.pk or existing.household_id != household.pk:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _check_delivery(campaign: Campaign, household: Household) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": [ERR_CLOSED]})
    if today() < campaign.starts_on:
        raise ValidationError({"campaign": [ERR_NOT_STARTED % {"day": campaign.starts_on}]})
    if not household.grid.path.startswith(campaign.scope.path):
        raise ValidationError({"household": [ERR_OUTSIDE]})
    given = (
        CampaignDelivery.objects.filter(campaign=campaign, household=household)
        .values_list("delivered_at", flat=True)
        .first()
    )
    if given is not None:
        day = timezone.localtime(given).date()
        raise ValidationError({"household": [ERR_ALREADY_GIVEN % {"day": day}]})


def _deliver(actor, campaign: Campaign, household: Household, client_uuid, visit, at):
    source, item = campaign.source, campaign.item
    errors = _check_source(source, campaign.scope, item)
    if errors:
        raise ValidationError(errors)
    # The campaign, made by someone who manages the store, lets the scope's grid workers
    # issue from it: the ledger's own issue (balance lock, below-zero refusal, audit)
    # without its check that the worker holds the store's unit.
    movement = stock.movement_apply(
        actor=actor,
        kind=MovementKind.ISSUE,
        item=item,
        holder=source,
        amount=stock.quantity_of(campaign.quantity, counted=False),
        to_holder=None,
        client_uuid=uuid.uuid5(MOVEMENT_NAMESPACE, str(client_uuid)),
        household=household,
        source="",
        donor="",
        batch="",
        expires_on=None,
        note=str(campaign.name)[:200],
        recorded_at=at,
    )
    delivery = CampaignDelivery.objects.create(
        campaign=campaign,
        household=household,
        movement=movement,
        delivered_at=movement.recorded_at,
        delivered_by=actor,
        client_uuid=client_uuid,
        visit=visit,
    )
    audit_event_record(
        actor=actor,
        action="campaign.deliver",
        target=delivery,
        org_path=household.grid.path,
        changes={
            "campaign": campaign.pk,
            "household": household.pk,
            "quantity": campaign.quantity,
            "visit": visit.pk if visit is not None else None,
        },
    )
    return delivery


SCHEDULE_LABEL = "campaign schedule"


def campaigns_close_ended(*, day: datetime.date | None = None) -> int:
    """The scheduled job: close the open campaigns whose last day is over (before ``day``,
    today when left out), each audited; how many were closed."""
    day = day or today()
    closed = 0
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.OPEN, ends_on__lt=day
    ).select_related("scope"):
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.status != CampaignStatus.OPEN:
                continue
            locked.status = CampaignStatus.CLOSED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at"])
            audit_event_record(
                actor=None,
                actor_label=SCHEDULE_LABEL,
                action="campaign.close",
                target=locked,
                org_path=campaign.scope.path,
                changes={"status": CampaignStatus.CLOSED, "ended_on": locked.ends_on.isoformat()},
            )
            closed += 1
    return closed
