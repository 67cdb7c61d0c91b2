"""API shapes of the supplies: items, holders, stock, movements."""

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shoumen.registry.schemas import Id, Page, Text
from shoumen.supplies.models import Balance, Holder, Item, Movement

MAX_QUANTITY = Decimal("9999999999.99")
CENT = Decimal("0.01")


class UnitListIn(Page):
    unit: Text = Field(
        "", max_length=32, description="Code or id of a community (default: all you may see)"
    )


class StockListIn(Page):
    holder: Id | None = Field(None, description="Id of a holder (default: every holder you see)")


class ItemOut(Schema):
    id: int
    name: str
    kind: str
    unit: str
    org_unit: int | None = Field(None, description="The unit that added it; null: standard")

    @staticmethod
    def of(item: Item) -> "ItemOut":
        return ItemOut(
            id=item.pk, name=item.name, kind=item.kind, unit=item.unit, org_unit=item.org_unit_id
        )


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class HolderOut(Schema):
    id: int
    name: str
    kind: str
    org_unit: int
    is_active: bool

    @staticmethod
    def of(holder: Holder) -> "HolderOut":
        return HolderOut(
            id=holder.pk,
            name=holder.name,
            kind=holder.kind,
            org_unit=holder.org_unit_id,
            is_active=holder.is_active,
        )


class HolderPage(Schema):
    items: list[HolderOut]
    count: int


class StockOut(Schema):
    item: int
    holder: int
    quantity: Decimal
    reorder_level: Decimal | None
    low: bool

    @staticmethod
    def of(balance: Balance) -> "StockOut":
        level = balance.reorder_level
        return StockOut(
            item=balance.item_id,
            holder=balance.holder_id,
            quantity=balance.quantity,
            reorder_level=level,
            low=level is not None and balance.quantity < level,
        )


class StockPage(Schema):
    items: list[StockOut]
    count: int


class MovementIn(Schema):
    client_uuid: uuid.UUID
    kind: Literal["receive", "issue", "transfer", "count"]
    item: Id
    holder: Id
    quantity: Decimal = Field(..., ge=0, le=MAX_QUANTITY, decimal_places=2)
    to_holder: Id | None = Field(None, description="Where a transfer goes")
    household: Id | None = Field(None, description="The household handed supplies (issue)")
    source: Literal["purchase", "allocation", "donation", ""] = ""
    donor: Text = Field("", max_length=100)
    batch: Text = Field("", max_length=40)
    expires_on: datetime.date | None = None
    note: Text = Field("", max_length=200, description="A stocktake's reason is required")


class MovementOut(Schema):
    id: int
    client_uuid: uuid.UUID
    kind: str
    item: int
    holder: int
    quantity: Decimal
    delta: Decimal
    to_holder: int | None
    household: int | None
    recorded_at: datetime.datetime
    replay: bool

    @staticmethod
    def of(m: Movement, replay: bool) -> "MovementOut":
        return MovementOut(
            id=m.pk,
            client_uuid=m.client_uuid,
            kind=m.kind,
            item=m.item_id,
            holder=m.holder_id,
            quantity=Decimal(m.quantity).quantize(CENT),
            delta=Decimal(m.delta).quantize(CENT),
            to_holder=m.to_holder_id,
            household=m.household_id,
            recorded_at=m.recorded_at,
            replay=replay,
        )
