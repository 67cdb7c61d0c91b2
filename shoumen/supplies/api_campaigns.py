"""The distribution campaigns API: the campaigns in scope, one campaign's coverage by grid,
and a household given its share (idempotent on client_uuid: 201 new, 200 replay)."""

import datetime
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.registry.schemas import MAX_ID, Id, Page
from shoumen.supplies import campaign_selectors as sel
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery
from shoumen.supplies.campaign_services import ERR_UUID_REUSED, delivery_record

ERR_UNKNOWN_HOUSEHOLD = _("There is no such household in your part of this campaign.")

router = Router(tags=["supplies"])
PathId = Path(..., ge=1, le=MAX_ID)


class CampaignOut(Schema):
    id: int
    name: str
    scope: str
    scope_name: str
    item: str
    unit: str
    quantity: int
    source: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str

    @classmethod
    def of(cls, c: Campaign) -> "CampaignOut":
        return cls(
            id=c.pk,
            name=c.name,
            scope=c.scope.code,
            scope_name=c.scope.name,
            item=c.item.name,
            unit=c.item.unit,
            quantity=c.quantity,
            source=c.source.name,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            status=c.status,
        )


class CampaignPage(Schema):
    items: list[CampaignOut]
    count: int


class CampaignFiltersIn(Page):
    status: Literal["open", "closed"] | None = None


class CoverageRow(Schema):
    grid: str | None = None
    grid_name: str | None = None
    households: int
    delivered: int
    to_give: int
    percent: int


class CampaignCoverageOut(CampaignOut):
    total: CoverageRow
    grids: list[CoverageRow]


class DeliveryIn(Schema):
    client_uuid: uuid.UUID
    household: Id


class DeliveryOut(Schema):
    id: int
    campaign: int
    household: int
    quantity: int
    delivered_at: datetime.datetime
    movement: int
    visit: int | None = Field(None, description="The household visit it was given at")

    @classmethod
    def of(cls, d: CampaignDelivery) -> "DeliveryOut":
        return cls(
            id=d.pk,
            campaign=d.campaign_id,
            household=d.household_id,
            quantity=d.campaign.quantity,
            delivered_at=d.delivered_at,
            movement=d.movement_id,
            visit=d.visit_id,
        )


@router.get(
    "/supplies/campaigns",
    response={200: CampaignPage, **error_responses(401, 403, 422)},
    summary="Distribution campaigns in scope",
)
def campaigns_list(request, filters: Query[CampaignFiltersIn]):
    require_somewhere(request.auth, Perm.ISSUE_SUPPLIES)
    qs = sel.campaigns_visible_to(request.auth).order_by("-starts_on", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    start = filters.offset
    return {
        "items": [CampaignOut.of(c) for c in qs[start : start + filters.limit]],
        "count": qs.count(),
    }


@router.get(
    "/supplies/campaigns/{id}",
    response={200: CampaignCoverageOut, **error_responses(401, 403, 404, 422)},
    summary="A distribution campaign with its coverage by grid (the caller's part)",
)
def campaigns_get(request, id: int = PathId):
    require_somewhere(request.auth, Perm.ISSUE_SUPPLIES)
    campaign = sel.campaign_for(request.auth, pk=id)
    rows = sel.coverage_by_grid(request.auth, campaign)
    total = sel.coverage_total(rows)
    return CampaignCoverageOut(
        **CampaignOut.of(campaign).dict(),
        total=CoverageRow(**total),
        grids=[
            CoverageRow(grid=r["grid__code"], grid_name=r["grid__name"], **_counts(r)) for r in rows
        ],
    )


def _counts(row: dict) -> dict:
    return {k: row[k] for k in ("households", "delivered", "to_give", "percent")}


@router.post(
    "/supplies/campaigns/{id}/deliveries",
    response={200: DeliveryOut, 201: DeliveryOut, **error_responses(400, 401, 403, 404, 422)},
    summary="A household given its share (idempotent on client_uuid: 201 new, 200 replay)",
)
def campaigns_deliver(request, payload: DeliveryIn, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.ISSUE_SUPPLIES)
    campaign = sel.campaign_for(actor, pk=id)
    replay = CampaignDelivery.objects.filter(client_uuid=payload.client_uuid).first()
    if replay is not None:
        if replay.campaign_id != campaign.pk or replay.household_id != payload.household:
            raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
        # A replay answers only to someone who could have recorded it.
        delivery = sel.deliveries_of(actor, campaign).get(pk=replay.pk)
        return Status(200, DeliveryOut.of(delivery))
    household = sel.households_in(actor, campaign).select_related("grid")
    found = household.filter(pk=payload.household).first()
    if found is None:
        raise ValidationError({"household": [ERR_UNKNOWN_HOUSEHOLD]})
    delivery, created = delivery_record(
        actor=actor, campaign=campaign, household=found, client_uuid=payload.client_uuid
    )
    delivery = sel.deliveries_of(actor, campaign).select_related("campaign").get(pk=delivery.pk)
    return Status(201 if created else 200, DeliveryOut.of(delivery))
