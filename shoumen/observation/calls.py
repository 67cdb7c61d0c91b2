"""Calling a person in one tap: the worker responsible for them (or the owner of one of
their open alerts) gets the phone without a reason prompt, and the call is recorded as a
contact in the audit. Anyone else still reveals the phone with a reason (registry)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.alerts.models import OPEN_STATUSES
from shoumen.alerts.selectors import alerts_visible_to
from shoumen.audit.services import audit_event_record
from shoumen.observation.models import ObservationStatus
from shoumen.observation.selectors import observations_visible_to
from shoumen.registry.models import Person

ERR_NOT_YOURS_TO_CALL = _(
    "Only the worker responsible for this person, or the owner of their alert, calls in "
    "one tap; reveal the phone with a reason instead."
)
ERR_NO_PHONE = _("No phone number is on record for this person.")

CALL_ACTION = "person.call"

# The history's words for the actions of the small taps (registered at start-up with the
# other observation labels: shoumen.audit.labels.register_actions).
TAP_ACTION_LABELS = {
    CALL_ACTION: _("Called by the responsible worker"),
    "health_report.withdraw": _("One-tap Normal undone"),
}


def may_call(user, person_id: int | None) -> bool:
    """Whether the actor is responsible for the person's active observation or owns one of
    their open alerts (within the actor's scope)."""
    if person_id is None or not user.is_authenticated:
        return False
    responsible = observations_visible_to(user, Perm.RECORD_HEALTH_REPORTS).filter(
        person_id=person_id, status=ObservationStatus.ACTIVE, responsible=user
    )
    owned = alerts_visible_to(user, Perm.HANDLE_ALERTS).filter(
        person_id=person_id, status__in=OPEN_STATUSES, owner=user
    )
    return responsible.exists() or owned.exists()


def call_is_mine(user, *, observation=None, alert=None) -> bool:
    """The same rule read from an object already on the page (no query)."""
    if observation is not None and observation.status == ObservationStatus.ACTIVE:
        return observation.responsible_id == user.pk
    if alert is not None and alert.is_open:
        return alert.owner_id == user.pk
    return False


@transaction.atomic
def person_call(*, actor, person: Person) -> str:
    """Return the phone number to dial and record the contact (no reason: the call is the
    actor's own work). Raises ValidationError when the person is not the actor's to call."""
    if not may_call(actor, person.pk):
        raise ValidationError({"person": [ERR_NOT_YOURS_TO_CALL]})
    phone = person.phone()
    if not phone:
        raise ValidationError({"person": [ERR_NO_PHONE]})
    audit_event_record(
        actor=actor,
        action=CALL_ACTION,
        target=person,
        org_path=person.grid.path,
        changes={"field": "phone"},
    )
    return phone
