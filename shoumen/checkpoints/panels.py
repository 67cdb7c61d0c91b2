"""What a person's page shows about their checkpoint pass: its current state, the actions
that can apply to it, and its history below in words."""

from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import describe, register_actions, register_target
from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.forms import ReasonForm
from shoumen.checkpoints.models import Pass, RevokeReason
from shoumen.checkpoints.selectors import pass_of
from shoumen.lib.dates import today
from shoumen.registry.models import Person, Status
from shoumen.registry.panels import Panel, register_person_panel

PASS_HISTORY_SHOWN = 5

ACTION_LABELS = {
    "pass.issue": _("Pass issued"),
    "pass.reissue": _("Pass re-issued"),
    "pass.revoke": _("Pass revoked"),
    "pass.restore": _("Pass restored"),
    "pass.move": _("Pass moved with the household"),
    "pass.card_export": _("Pass card printed"),
    "checkpoint.create": _("Checkpoint added"),
    "checkpoint.update": _("Checkpoint changed"),
    "checkpoint.ledger_export": _("Checkpoint ledger exported"),
}


def pass_history(pass_: Pass) -> list:
    """The pass's latest audit events, in words."""
    events = AuditEvent.objects.filter(
        target_type="checkpoints.pass", target_id=str(pass_.pk)
    ).order_by("-id")[:PASS_HISTORY_SHOWN]
    return describe(events)


def pass_panel(user, person: Person) -> Panel | None:
    if person.status == Status.MERGED or not can(user, Perm.MANAGE_PASSES, person.grid):
        return None
    pass_ = pass_of(person)
    context = {
        "pass": pass_,
        "reason_form": ReasonForm(),
        "today": today(),
        "pass_history": pass_history(pass_) if pass_ is not None else [],
    }
    return Panel("checkpoints/_pass_panel.html", context, order=30)


def register() -> None:
    register_actions(ACTION_LABELS)
    register_target(
        "checkpoints.pass",
        labels={"reason": _("Why"), "format": _("Format")},
        choices={"reason": RevokeReason},
        refers_to={"building": "registry.building"},
    )
    register_person_panel("checkpoints.pass", pass_panel)
