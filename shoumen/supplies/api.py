"""The supplies API: items, holders, stock, movements; campaigns mounted here. Permission
first (403 for a role with no right to supplies, or none to this kind of movement), then
scope (404 for a community or holder outside the caller's units)."""

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.places.selectors import unit_by_code_or_id
from shoumen.registry.models import Household
from shoumen.supplies import selectors as sel
from shoumen.supplies.api_campaigns import router as campaigns_router
from shoumen.supplies.models import Balance, Item, MovementKind
from shoumen.supplies.schemas import (
    HolderOut,
    HolderPage,
    ItemOut,
    ItemPage,
    MovementIn,
    MovementOut,
    StockListIn,
    StockOut,
    StockPage,
    UnitListIn,
)
from shoumen.supplies.services import ERR_HOUSEHOLD, movement_record

router = Router(tags=["supplies"])
router.add_router("/", campaigns_router)


def _page(qs, page, convert) -> dict:
    start = page.offset
    return {"items": [convert(o) for o in qs[start : start + page.limit]], "count": qs.count()}


def _community(actor, unit: str):
    if not unit:
        return None
    return unit_by_code_or_id(sel.communities_visible_to(actor), unit)


@router.get(
    "/supplies/items",
    response={200: ItemPage, **error_responses(401, 403, 404, 422)},
    summary="List supply items: the standard list and communities' own",
)
def items_list(request, filters: Query[UnitListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.ISSUE_SUPPLIES)
    community = _community(actor, filters.unit)
    qs = sel.items_usable_at(community) if community else sel.items_visible_to(actor)
    return _page(qs, filters, ItemOut.of)


@router.get(
    "/supplies/holders",
    response={200: HolderPage, **error_responses(401, 403, 404, 422)},
    summary="List the holders of supplies you may see",
)
def holders_list(request, filters: Query[UnitListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.ISSUE_SUPPLIES)
    community = _community(actor, filters.unit)
    return _page(sel.holders_of(actor, community), filters, HolderOut.of)


@router.get(
    "/supplies/stock",
    response={200: StockPage, **error_responses(401, 403, 404, 422)},
    summary="Stock by holder and item, with reorder levels",
)
def stock_list(request, filters: Query[StockListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.ISSUE_SUPPLIES)
    holders = sel.holders_visible_to(actor)
    if filters.holder is not None:
        holders = holders.filter(pk=sel.holder_for(actor, filters.holder).pk)
    qs = Balance.objects.filter(holder__in=holders).order_by("holder_id", "item_id")
    return _page(qs, filters, StockOut.of)


@router.post(
    "/supplies/movements",
    response={
        200: MovementOut,
        201: MovementOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Record a stock movement (201 new; 200 replay of the same client_uuid)",
    description="receive (source purchase, allocation or donation; a donation names its "
    "donor), issue (optionally to a household), transfer (to_holder), count (the quantity "
    "counted, with the reason in note). Issue needs issue_supplies, the others "
    "manage_supplies. 422 when it would take the balance below zero.",
)
def movements_create(request, payload: MovementIn):
    actor = request.auth
    perm = Perm.ISSUE_SUPPLIES if payload.kind == MovementKind.ISSUE else Perm.MANAGE_SUPPLIES
    require_somewhere(actor, perm)
    holder = sel.holder_for(actor, payload.holder, perm)
    item = Item.objects.get(pk=payload.item)
    to_holder = None
    if payload.to_holder is not None:
        to_holder = sel.holder_for(actor, payload.to_holder, Perm.MANAGE_SUPPLIES)
    household = None
    if payload.household is not None:
        household = Household.objects.filter(
            pk=payload.household, grid__path__startswith=holder.org_unit.path
        ).first()
        if household is None:
            raise ValidationError({"household": [ERR_HOUSEHOLD]})
    movement, new = movement_record(
        actor=actor,
        client_uuid=payload.client_uuid,
        kind=payload.kind,
        item=item,
        holder=holder,
        quantity=payload.quantity,
        to_holder=to_holder,
        household=household,
        source=payload.source,
        donor=payload.donor,
        batch=payload.batch,
        expires_on=payload.expires_on,
        note=payload.note,
    )
    return Status(201 if new else 200, MovementOut.of(movement, replay=not new))
