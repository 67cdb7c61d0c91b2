"""Writes that set a community's supplies up: its own items, its holders, and the reorder
level of a holder's item (which opens or resolves the low-stock alert at once)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.text import free_text
from shoumen.places.models import OrgUnit
from shoumen.supplies.low_stock import low_stock_review
from shoumen.supplies.models import Balance, Holder, HolderKind, Item, ItemKind

ERR_ITEM_NAME = _("Name the item.")
ERR_ITEM_UNIT = _("Give the unit it is counted in (个, 瓶, 盒…).")
ERR_ITEM_KIND = _("Choose what kind of supply it is.")
ERR_ITEM_TAKEN = _("This community already has an item of that name and unit.")
ERR_ITEM_STANDARD = _("That item is on the standard list already.")
ERR_HOLDER_NAME = _("Name the holder.")
ERR_HOLDER_KIND = _("Choose what kind of holder it is.")
ERR_HOLDER_TAKEN = _("There is a holder of that name here already.")
ERR_HOLDER_UNIT = _("A holder belongs to a community or a grid within it.")
ERR_WORKER = _("A worker's kit names its worker, who works in this community.")
ERR_LEVEL = _("Enter a reorder level of zero or more (at most two decimals), or leave it empty.")

ACTION_LABELS = {
    "supply_item.add": _("Supply item added"),
    "supply_holder.add": _("Supply holder added"),
    "reorder_level.set": _("Reorder level set"),
}
MAX_LEVEL = Decimal("9999999999.99")


def item_add(*, actor, community: OrgUnit, name: str, unit: str, kind: str) -> Item:
    """A community's own item, usable by its holders and those below it."""
    require(actor, Perm.MANAGE_SUPPLIES, community)
    name, unit = free_text(name)[:60], free_text(unit)[:10]
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [ERR_ITEM_NAME]
    if not unit:
        errors["unit"] = [ERR_ITEM_UNIT]
    if kind not in ItemKind.values:
        errors["kind"] = [ERR_ITEM_KIND]
    if not errors and Item.objects.filter(org_unit=None, name=name, unit=unit).exists():
        errors["name"] = [ERR_ITEM_STANDARD]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = Item.objects.create(name=name, unit=unit, kind=kind, org_unit=community)
            audit_event_record(
                actor=actor,
                action="supply_item.add",
                target=item,
                org_path=community.path,
                changes={"name": name, "unit": unit, "kind": kind},
            )
    except IntegrityError as exc:
        raise ValidationError({"name": [ERR_ITEM_TAKEN]}) from exc
    return item


def holder_add(*, actor, unit: OrgUnit, kind: str, name: str, worker=None) -> Holder:
    """A place (or a worker's kit) holding supplies under ``unit``."""
    require(actor, Perm.MANAGE_SUPPLIES, unit)
    name = free_text(name)[:60]
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [ERR_HOLDER_NAME]
    if kind not in HolderKind.values:
        errors["kind"] = [ERR_HOLDER_KIND]
    if kind == HolderKind.WORKER_KIT:
        works_here = (
            worker is not None
            and RoleAssignment.objects.filter(
                user=worker, org_unit__path__startswith=_community_path(unit)
            ).exists()
        )
        if not works_here:
            errors["worker"] = [ERR_WORKER]
    else:
        worker = None
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            holder = Holder.objects.create(org_unit=unit, kind=kind, name=name, worker=worker)
            audit_event_record(
                actor=actor,
                action="supply_holder.add",
                target=holder,
                org_path=unit.path,
                changes={"name": name, "kind": kind, "worker": worker.pk if worker else None},
            )
    except IntegrityError as exc:
        raise ValidationError({"name": [ERR_HOLDER_TAKEN]}) from exc
    return holder


def _community_path(unit: OrgUnit) -> str:
    from shoumen.supplies.low_stock import community_of

    return community_of(unit).path


def _level(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    ok = number.is_finite() and number == number.quantize(Decimal("0.01"))
    if not ok or number < 0 or number > MAX_LEVEL:
        raise ValidationError({"reorder_level": [ERR_LEVEL]})
    return number


def reorder_level_set(*, actor, holder: Holder, item: Item, level) -> Balance:
    """Set (or clear, with None) the level below which ``holder``'s stock of ``item`` is
    low; the low-stock alert opens or resolves with it."""
    require(actor, Perm.MANAGE_SUPPLIES, holder.org_unit)
    usable = item.org_unit is None or holder.org_unit.path.startswith(item.org_unit.path)
    if not item.is_active or not usable:
        from shoumen.supplies.services import ERR_ITEM

        raise ValidationError({"item": [ERR_ITEM]})
    number = _level(level)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Balance.objects.get_or_create(holder=holder, item=item)
        except IntegrityError:
            pass
        balance = Balance.objects.select_for_update().get(holder=holder, item=item)
        before = balance.reorder_level
        balance.reorder_level = number
        balance.save(update_fields=["reorder_level"])
        balance.holder, balance.item = holder, item
        audit_event_record(
            actor=actor,
            action="reorder_level.set",
            target=balance,
            org_path=holder.org_unit.path,
            changes={
                "holder": holder.name,
                "item": item.name,
                "from": None if before is None else str(before),
                "to": None if number is None else str(number),
            },
        )
        low_stock_review(actor=actor, balance=balance)
    return balance
