"""What the distribution campaign tests share: a store of C1 with masks in it, and a
campaign over C1 handing one pack per household from it."""

import datetime
import uuid

from shoumen.supplies import campaign_extras  # noqa: F401 (registers the visit extra)
from shoumen.supplies.campaign_services import campaign_create
from shoumen.supplies.models import Holder, HolderKind, Item
from shoumen.supplies.services import movement_record

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


def masks() -> Item:
    # Made by a migration; a transactional test run before may have emptied the table.
    return Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]


def store(world, stock: int = 100) -> Holder:
    holder = Holder.objects.get_or_create(
        org_unit=world.community, name="社区物资库", defaults={"kind": HolderKind.STORE}
    )[0]
    if stock:
        movement_record(
            actor=world.community_staff,
            client_uuid=uuid.uuid4(),
            kind="receive",
            item=masks(),
            holder=holder,
            quantity=stock,
            source="allocation",
        )
    return holder


def campaign(world, *, stock: int = 100, quantity: int = 10, scope=None, name="一户一包口罩"):
    return campaign_create(
        actor=world.community_staff,
        scope=scope or world.community,
        name=name,
        item=masks(),
        quantity=quantity,
        source=store(world, stock),
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=6),
    )


def matrix_campaign(w, name: str = "矩阵口罩发放"):
    """An open campaign over C1 with stock for a few households, for the access matrices
    (made directly: the matrices check access, not creation)."""
    from shoumen.supplies.campaign_models import Campaign

    found = Campaign.objects.filter(name=name, scope=w.community).first()
    if found is not None:
        return found
    from shoumen.lib.dates import today

    return Campaign.objects.create(
        name=name,
        item=masks(),
        quantity=10,
        scope=w.community,
        source=store(w, 100),
        starts_on=today(),
        ends_on=today(),
        created_by=w.community_staff,
    )
