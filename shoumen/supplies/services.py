"""Writes of the stock ledger. A movement locks only the balances it changes (its holder's
and, for a transfer, the receiving holder's, in a fixed order), so that movements of other
holders and items never wait on it; it is refused when it would take a balance below zero,
and a phone sending it twice (the same client UUID) gets the first answer back."""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.text import free_text
from shoumen.registry.models import Household
from shoumen.supplies.low_stock import low_stock_review
from shoumen.supplies.models import Balance, Holder, Item, Movement, MovementKind, Source

ERR_QUANTITY = _("Enter a quantity above zero (at most two decimals).")
ERR_COUNTED = _("Enter the quantity counted: zero or more (at most two decimals).")
ERR_BELOW_ZERO = _("Only %(have)s %(unit)s of %(item)s are held here; %(want)s cannot go out.")
ERR_ITEM = _("This item is not in use here.")
ERR_TO_HOLDER = _("Choose where the supplies go.")
ERR_SAME_HOLDER = _("A transfer goes to another holder.")
ERR_NOT_TRANSFER = _("Only a transfer names where the supplies go.")
ERR_DONOR = _("Name the donor of a donation.")
ERR_SOURCE = _("Say where received supplies come from.")
ERR_REASON = _("Give the reason for the stocktake difference.")
ERR_HOUSEHOLD = _("This household is not served from this holder.")
ERR_INACTIVE = _("This holder is no longer in use.")
ERR_FUTURE = _("A movement cannot be recorded for a time still to come.")

ACTION_LABELS = {"movement.record": _("Stock movement recorded")}
MAX_QUANTITY = Decimal("9999999999.99")


def quantity_of(value, *, counted: bool) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    ok = number.is_finite() and number == number.quantize(Decimal("0.01"))
    ok = ok and (number >= 0 if counted else number > 0) and number <= MAX_QUANTITY
    if not ok:
        raise ValidationError({"quantity": [ERR_COUNTED if counted else ERR_QUANTITY]})
    return number


def _balance(holder: Holder, item: Item) -> Balance:
    """The balance row, made at zero the first time (a copy making it at the same moment
    wins, and this one reads it)."""
    try:
        with transaction.atomic():
            return Balance.objects.get_or_create(holder=holder, item=item)[0]
    except IntegrityError:
        return Balance.objects.get(holder=holder, item=item)


def _check(actor, kind: str, item: Item, holder: Holder, to_holder, household) -> None:
    perm = Perm.ISSUE_SUPPLIES if kind == MovementKind.ISSUE else Perm.MANAGE_SUPPLIES
    require(actor, perm, holder.org_unit)
    errors: dict[str, list] = {}
    if not holder.is_active:
        errors["holder"] = [ERR_INACTIVE]
    usable = item.org_unit is None or holder.org_unit.path.startswith(item.org_unit.path)
    if not item.is_active or not usable:
        errors["item"] = [ERR_ITEM]
    if kind == MovementKind.TRANSFER:
        if to_holder is None:
            errors["to_holder"] = [ERR_TO_HOLDER]
        elif to_holder.pk == holder.pk:
            errors["to_holder"] = [ERR_SAME_HOLDER]
        else:
            require(actor, Perm.MANAGE_SUPPLIES, to_holder.org_unit)
            if not to_holder.is_active:
                errors["to_holder"] = [ERR_INACTIVE]
    elif to_holder is not None:
        errors["to_holder"] = [ERR_NOT_TRANSFER]
    if household is not None and (
        kind != MovementKind.ISSUE or not household.grid.path.startswith(holder.org_unit.path)
    ):
        errors["household"] = [ERR_HOUSEHOLD]
    if errors:
        raise ValidationError(errors)


def movement_record(
    *,
    actor,
    client_uuid: uuid.UUID,
    kind: str,
    item: Item,
    holder: Holder,
    quantity,
    to_holder: Holder | None = None,
    household: Household | None = None,
    source: str = "",
    donor: str = "",
    batch: str = "",
    expires_on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> tuple[Movement, bool]:
    """Record one movement and change the balances with it; returns it and whether it is
    new (False: the same client UUID was recorded before, nothing changes). ``at``: when it
    happened, for a phone that was offline (now when left out; never in the future). A
    balance taken below its reorder level opens a low-stock alert, one brought back to it
    resolves that alert, in the same transaction."""
    existing = Movement.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if kind not in MovementKind.values:
        raise ValidationError({"kind": [_("Choose receive, issue, transfer or count.")]})
    _check(actor, kind, item, holder, to_holder, household)
    amount = quantity_of(quantity, counted=kind == MovementKind.COUNT)
    donor, note, batch = free_text(donor)[:100], free_text(note)[:200], free_text(batch)[:40]
    if kind == MovementKind.RECEIVE and source not in Source.values:
        raise ValidationError({"source": [ERR_SOURCE]})
    if kind != MovementKind.RECEIVE:
        source = ""
    if source == Source.DONATION and not donor:
        raise ValidationError({"donor": [ERR_DONOR]})
    if kind == MovementKind.COUNT and not note:
        raise ValidationError({"note": [ERR_REASON]})
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": [ERR_FUTURE]})
    try:
        with transaction.atomic():
            movement = movement_apply(
                actor=actor,
                client_uuid=client_uuid,
                kind=kind,
                item=item,
                holder=holder,
                amount=amount,
                to_holder=to_holder,
                household=household,
                source=source,
                donor=donor,
                batch=batch,
                expires_on=expires_on,
                note=note,
                recorded_at=at or now,
            )
    except IntegrityError:
        # The same movement recorded by a copy sent at the same moment: that one stands.
        winner = Movement.objects.filter(client_uuid=client_uuid).first()
        if winner is None:
            raise
        return winner, False
    return movement, True


def _plain(quantity: Decimal) -> str:
    """A quantity as people write it: 40, 2.5 (not 40.00)."""
    return f"{quantity.normalize():f}"


def movement_apply(*, actor, kind, item, holder, amount, to_holder, **fields) -> Movement:
    """The ledger's write (balances locked in a fixed order, the below-zero refusal, the
    audit event, the low-stock review) for a caller that has checked the actor's right
    itself: ``movement_record``, and a campaign's delivery, which lets the scope's grid
    workers issue from a store of the community. Run inside a transaction."""
    rows = {holder.pk: _balance(holder, item)}
    if to_holder is not None:
        rows[to_holder.pk] = _balance(to_holder, item)
    locked = {
        b.holder_id: b
        for b in Balance.objects.select_for_update()
        .filter(pk__in=[b.pk for b in rows.values()])
        .order_by("pk")
    }
    here = locked[holder.pk]
    delta = amount - here.quantity if kind == MovementKind.COUNT else amount
    if kind in (MovementKind.ISSUE, MovementKind.TRANSFER):
        if amount > here.quantity:
            words = {
                "have": _plain(here.quantity),
                "unit": item.unit,
                "item": item.name,
                "want": _plain(amount),
            }
            raise ValidationError({"quantity": [ERR_BELOW_ZERO % words]})
        delta = -amount
    here.quantity += delta
    here.save(update_fields=["quantity"])
    here.holder, here.item = holder, item
    changed = [here]
    if to_holder is not None:
        there = locked[to_holder.pk]
        there.quantity += amount
        there.save(update_fields=["quantity"])
        there.holder, there.item = to_holder, item
        changed.append(there)
    movement = Movement.objects.create(
        kind=kind,
        item=item,
        holder=holder,
        quantity=amount,
        delta=delta,
        to_holder=to_holder,
        recorded_by=actor,
        **fields,
    )
    audit_event_record(
        actor=actor,
        action="movement.record",
        target=movement,
        org_path=holder.org_unit.path,
        changes={
            "kind": kind,
            "item": item.name,
            "holder": holder.name,
            "quantity": str(amount),
            "delta": str(delta),
            "to_holder": to_holder.name if to_holder else None,
            "household": fields["household"].pk if fields["household"] else None,
        },
    )
    for balance in changed:
        low_stock_review(actor=actor, balance=balance)
    return movement
