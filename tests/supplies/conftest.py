"""Shared set-up of the supplies' tests: C1's store and north gate, the standard masks, a
kit of grid A's worker, and an API client."""

import uuid
from dataclasses import dataclass

import pytest

from shoumen.accounts.services import api_token_create
from shoumen.supplies.models import Holder, HolderKind, Item
from shoumen.supplies.services import movement_record
from tests.api.conftest import ApiClient


@dataclass
class Stock:
    store: Holder
    gate: Holder
    kit: Holder
    masks: Item
    spray: Item


@pytest.fixture
def stock(world) -> Stock:
    store = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="社区库房")
    gate = Holder.objects.create(org_unit=world.community, kind=HolderKind.CHECKPOINT, name="北门")
    kit = Holder.objects.create(
        org_unit=world.grid_a,
        kind=HolderKind.WORKER_KIT,
        name="网格员甲的包",
        worker=world.grid_worker,
    )
    # Made by a migration; a transactional test run before may have emptied the table.
    masks = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]
    spray = Item.objects.get_or_create(
        name="84消毒液", unit="瓶", org_unit=None, defaults={"kind": "disinfectant"}
    )[0]
    return Stock(store, gate, kit, masks, spray)


def move(actor, kind, item, holder, quantity, **more):
    """Record a movement with a fresh client UUID (a receipt is a purchase unless told)."""
    more.setdefault("client_uuid", uuid.uuid4())
    if kind == "receive":
        more.setdefault("source", "purchase")
    if kind == "count":
        more.setdefault("note", "盘点")
    return movement_record(
        actor=actor, kind=kind, item=item, holder=holder, quantity=quantity, **more
    )[0]


@pytest.fixture
def api(world):
    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api
