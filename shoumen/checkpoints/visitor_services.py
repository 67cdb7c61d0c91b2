"""Visitors registered at a checkpoint, by the volunteer or on the public page, with the
same fever rule as residents; leaving; revealing their contact for tracing."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.models import Cause
from shoumen.alerts.rules import current_rules
from shoumen.alerts.services import alert_raise_for_visitor
from shoumen.audit.services import audit_event_record
from shoumen.checkpoints.models import (
    VISITOR_PHONE_CONTEXT,
    Checkpoint,
    Visitor,
)
from shoumen.checkpoints.scan_services import ERR_SCAN_TEMPERATURE
from shoumen.checkpoints.selectors import community_staff_of
from shoumen.lib import crypto
from shoumen.lib.errors import clean_reason
from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone
from shoumen.lib.text import clean_line

# ---------------------------------------------------------------- visitors

ERR_VISITOR_NAME = _("Enter the visitor's name.")
ERR_VISITOR_REASON = _("Enter the reason for the visit.")
ERR_VISITOR_TARGET = _("Choose the household visited, or enter the address.")
ERR_VISITOR_HOUSEHOLD = _("That household is not in this community.")
ERR_ALREADY_LEFT = _("This visitor has already left.")


def _visitor_errors(checkpoint: Checkpoint, values) -> tuple[dict, dict]:
    errors: dict[str, list] = {}
    clean = {
        "name": clean_line(values.get("name") or "")[:50],
        "reason": clean_line(values.get("reason") or "")[:100],
        "visiting": clean_line(values.get("visiting") or "")[:100],
        "household": values.get("household"),
        "temperature": values.get("temperature"),
    }
    if not clean["name"]:
        errors["name"] = [ERR_VISITOR_NAME]
    if not clean["reason"]:
        errors["reason"] = [ERR_VISITOR_REASON]
    household = clean["household"]
    if household is None and not clean["visiting"]:
        errors["visiting"] = [ERR_VISITOR_TARGET]
    if household is not None and not household.grid.path.startswith(checkpoint.community.path):
        errors["household"] = [ERR_VISITOR_HOUSEHOLD]
    temperature = clean["temperature"]
    if temperature is not None and not Decimal("34") <= Decimal(temperature) <= Decimal("43"):
        errors["temperature"] = [ERR_SCAN_TEMPERATURE]
    try:
        clean["phone"] = normalize_phone(values.get("phone") or "")
    except InvalidPhone as exc:
        errors["phone"] = [exc.message]
    return errors, clean


def visitor_has_fever(visitor: Visitor, fever_temperature: Decimal | None = None) -> bool:
    """The rule a resident's scan follows (``alerts.AlertRules.fever_temperature``): at or
    above it the visitor is refused, like a resident."""
    if visitor.temperature is None:
        return False
    threshold = fever_temperature or current_rules().fever_temperature
    return Decimal(visitor.temperature) >= threshold


@transaction.atomic
def visitor_register(*, actor, checkpoint: Checkpoint, client_uuid, **values) -> Visitor:
    """Register a visitor at a post: by its volunteer, or (``actor`` None) by the visitor
    through the post's own QR. A replayed client UUID returns the first registration, also
    when the copies arrive together. A visitor with a fever is registered (for tracing) and
    refused as a resident would be: community staff get an alert."""
    if actor is not None:
        require(actor, Perm.SCAN_PASSES, checkpoint.community)
    existing = Visitor.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing
    errors, clean = _visitor_errors(checkpoint, values)
    if errors:
        raise ValidationError(errors)
    phone = clean.pop("phone")
    visitor = Visitor(
        checkpoint=checkpoint,
        phone_encrypted=crypto.encrypt(phone, context=VISITOR_PHONE_CONTEXT),
        phone_last4=phone[-4:],
        arrived_at=timezone.now(),
        registered_by=actor,
        client_uuid=client_uuid,
        **clean,
    )
    try:
        with transaction.atomic():
            visitor.save()
    except IntegrityError:
        # The same registration was saved by a copy sent at the same moment: that one
        # stands, and did the audit and the alert.
        winner = Visitor.objects.filter(client_uuid=client_uuid).first()
        if winner is None:
            raise
        return winner
    audit_event_record(
        actor=actor,
        action="visitor.register",
        target=visitor,
        org_path=checkpoint.community.path,
        changes={"phone": mask_phone(phone), "checkpoint": checkpoint.name},
        actor_label=None if actor is not None else "visitor self-registration",
    )
    rules = current_rules()
    if visitor_has_fever(visitor, rules.fever_temperature):
        staff = community_staff_of(checkpoint.community)
        alert_raise_for_visitor(
            unit=checkpoint.community,
            name=visitor.name,
            cause=Cause.FEVER,
            details={
                "date": timezone.localdate(visitor.arrived_at).isoformat(),
                "temperature": str(visitor.temperature),
                "checkpoint": checkpoint.name,
                "checkpoint_id": checkpoint.pk,
                "visitor": visitor.pk,
            },
            owner=staff[0] if staff else None,
            rules=rules,
        )
    return visitor


@transaction.atomic
def visitor_leave(*, actor, visitor: Visitor) -> Visitor:
    require(actor, Perm.SCAN_PASSES, visitor.checkpoint.community)
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.left_at is not None:
        raise ValidationError(ERR_ALREADY_LEFT)
    visitor.left_at = timezone.now()
    visitor.save(update_fields=["left_at"])
    audit_event_record(
        actor=actor,
        action="visitor.leave",
        target=visitor,
        org_path=visitor.checkpoint.community.path,
    )
    return visitor


@dataclass(frozen=True)
class VisitorContact:
    name: str
    phone: str


@transaction.atomic
def visitor_reveal(*, actor, visitor: Visitor, reason: str) -> VisitorContact:
    """A visitor's full name and phone, for tracing (a fever at the gate, a visitor later
    found to be a contact): for those who may reveal sensitive data in the community, with
    a reason, recorded. The ledger shows them masked."""
    require(actor, Perm.MANAGE_CHECKPOINTS, visitor.checkpoint.community)
    require(actor, Perm.REVEAL_SENSITIVE, visitor.checkpoint.community)
    reason = clean_reason(reason)
    contact = VisitorContact(
        name=visitor.name,
        phone=crypto.decrypt(bytes(visitor.phone_encrypted), context=VISITOR_PHONE_CONTEXT),
    )
    audit_event_record(
        actor=actor,
        action="visitor.reveal",
        target=visitor,
        org_path=visitor.checkpoint.community.path,
        reason=reason,
    )
    return contact
