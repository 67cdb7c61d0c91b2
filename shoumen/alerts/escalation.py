"""The escalation ladder: an open alert nobody acknowledged by its due time goes to the
community staff (level 1), then, ``escalation_minutes`` later, to the street officers
(level 2). A school alert climbs its own ladder (alerts.families): the principal, then the
district's education bureau and CDC officers, at the school rules' interval. Each step
moves the due time on, changes the owner, notifies everyone at the new level and is
audited."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import RoleAssignment
from shoumen.alerts.families import FAMILIES, family_name_of, step_of
from shoumen.alerts.messages import words
from shoumen.alerts.models import Alert, AlertStatus, EscalationLevel, Notification
from shoumen.alerts.notify import COPY_SUBJECT, send_copies
from shoumen.alerts.rules import current_rules
from shoumen.audit.services import audit_events_record_many
from shoumen.lib.bulk import update_objects
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person

ESCALATION_LABEL = "alert escalation"
TITLE_ESCALATED = _("Escalated to you: %(cause)s, %(name)s, was due %(due)s")
COPY_ESCALATED = _("%(count)d overdue alerts were escalated to you. Details in your Shoumen inbox.")
COPY_ESCALATED_SUBJECT = _("Overdue alerts")


@dataclass
class EscalationResult:
    to_community: int = 0
    to_street: int = 0


def _holders(role: str, paths: set[str]) -> dict[str, list[int]]:
    """Active users holding ``role`` at each org path, earliest assignment first."""
    found: dict[str, list[int]] = defaultdict(list)
    rows = (
        RoleAssignment.objects.filter(role=role, org_unit__path__in=paths, user__is_active=True)
        .order_by("created_at", "pk")
        .values_list("org_unit__path", "user_id")
    )
    for path, user_id in rows:
        if user_id not in found[path]:
            found[path].append(user_id)
    return found


def _users_at(alerts: list[Alert], level: int) -> dict[int, list[int]]:
    """Who answers for each alert at ``level`` of its family's ladder."""
    by_family: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_family[family_name_of(alert.cause)].append(alert)
    found: dict[int, list[int]] = {}
    for family, members in by_family.items():
        for alert in members:
            found[alert.pk] = []
        for role, depth in FAMILIES[family].ladder[level]:
            unit_path = {a.pk: a.grid.path[: depth * OrgUnit.steplen] for a in members}
            holders = _holders(role, set(unit_path.values()))
            for alert in members:
                for user_id in holders.get(unit_path[alert.pk], []):
                    if user_id not in found[alert.pk]:
                        found[alert.pk].append(user_id)
    return found


def _climb(alerts: list[Alert], level: int, now: datetime.datetime, step: datetime.timedelta):
    answering = _users_at(alerts, level)
    steps = {name: step_of(name, step) for name in FAMILIES}
    names = dict(
        Person.objects.filter(pk__in={a.person_id for a in alerts if a.person_id}).values_list(
            "pk", "name"
        )
    )
    notes, events = [], []
    received: dict[int, int] = defaultdict(int)
    for alert in alerts:
        users = answering[alert.pk]
        was_level, was_owner, was_due = alert.level, alert.owner_id, alert.due_at
        alert.level = level
        alert.owner_id = users[0] if users else None
        alert.due_at = alert.due_at + steps[family_name_of(alert.cause)]
        values = {
            "cause": alert.cause,
            "name": names.get(alert.person_id or 0, alert.grid.name),
            "due": timezone.localtime(was_due).strftime("%m-%d %H:%M"),
        }
        title = str(TITLE_ESCALATED % {**values, "cause": alert.get_cause_display()})[:200]
        kept = {"title": words("alert.escalated", values)}
        for user_id in users:
            notes.append(Notification(recipient_id=user_id, alert=alert, title=title, words=kept))
            received[user_id] += 1
        events.append(
            {
                "action": "alert.escalate",
                "target": alert,
                "org_path": alert.grid.path,
                "changes": {
                    "level": [was_level, level],
                    "owner": [was_owner, alert.owner_id],
                    "due_at": [was_due.isoformat(), alert.due_at.isoformat()],
                    "notified": len(users),
                },
            }
        )
    update_objects(alerts, ["level", "owner_id", "due_at"])
    Notification.objects.bulk_create(notes, batch_size=2000)
    audit_events_record_many(actor=None, actor_label=ESCALATION_LABEL, events=events)
    subject = str(COPY_SUBJECT % {"title": COPY_ESCALATED_SUBJECT})
    send_copies(
        {user: (subject, str(COPY_ESCALATED % {"count": n})) for user, n in received.items()}
    )


def alerts_escalate(*, now: datetime.datetime | None = None) -> EscalationResult:
    """Move every unacknowledged alert past its due time one step up the ladder."""
    now = now or timezone.now()
    step = datetime.timedelta(minutes=current_rules().escalation_minutes)
    result = EscalationResult()
    with transaction.atomic():
        overdue = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("grid")
            .filter(status=AlertStatus.OPEN, due_at__lte=now)
            .order_by("pk")
        )
        # Street first, so that no alert climbs two steps in one run.
        to_street = list(overdue.filter(level=EscalationLevel.COMMUNITY))
        to_community = list(overdue.filter(level=EscalationLevel.WORKER))
        if to_street:
            _climb(to_street, EscalationLevel.STREET, now, step)
        if to_community:
            _climb(to_community, EscalationLevel.COMMUNITY, now, step)
        result.to_street, result.to_community = len(to_street), len(to_community)
    return result
