"""Every write to alerts: raise (one open alert per person and cause), acknowledge, resolve."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.models import OPEN_STATUSES, Alert, AlertRules, AlertStatus, Outcome
from shoumen.alerts.notify import notify
from shoumen.alerts.rules import current_rules, report_hits
from shoumen.audit.services import audit_event_record
from shoumen.lib.text import clean_line

ERR_ALREADY_RESOLVED = _("This alert is already resolved.")
ERR_ALREADY_ACKNOWLEDGED = _("This alert is already acknowledged.")
ERR_OUTCOME_REQUIRED = _("Choose an outcome.")

TITLE_NEW = _("%(cause)s: %(name)s, due by %(due)s")


def _record(actor, action: str, alert: Alert, changes=None, actor_label=None) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=alert,
        org_path=alert.grid.path,
        changes=changes,
        actor_label=actor_label,
    )


def _default_owner(person, observation):
    from shoumen.observation.selectors import grid_worker_of

    if observation is not None and observation.responsible_id:
        return observation.responsible
    return grid_worker_of(person.grid)


def alert_raise(
    *,
    person,
    cause: str,
    details: dict,
    observation=None,
    owner=None,
    rules: AlertRules | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Alert, bool]:
    """Open an alert, or update the open one for the same person and cause.

    Returns (alert, created). A new alert is owned by ``owner`` or else the responsible
    worker, who is notified."""
    rules = rules or current_rules()
    now = now or timezone.now()
    open_alert = (
        Alert.objects.select_for_update()
        .filter(person=person, cause=cause, status__in=OPEN_STATUSES)
        .first()
    )
    if open_alert is not None:
        open_alert.hits += 1
        open_alert.last_seen_at = now
        open_alert.details = details
        open_alert.save(update_fields=["hits", "last_seen_at", "details"])
        return open_alert, False
    alert = Alert(
        person=person,
        grid_id=person.grid_id,
        observation=observation,
        cause=cause,
        owner=owner or _default_owner(person, observation),
        opened_at=now,
        due_at=now + datetime.timedelta(minutes=rules.due_minutes(cause)),
        last_seen_at=now,
        details=details,
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        # Raised concurrently by another request: that one stands.
        return Alert.objects.get(person=person, cause=cause, status__in=OPEN_STATUSES), False
    _record(None, "alert.raise", alert, {"cause": cause}, actor_label="alert rules")
    if alert.owner is not None:
        notify(
            recipients=[alert.owner],
            alert=alert,
            title=TITLE_NEW
            % {
                "cause": alert.get_cause_display(),
                "name": person.name,
                "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
            },
        )
    return alert, True


def alerts_raise_for_reports(reports: Iterable, *, observations: dict | None = None) -> list[Alert]:
    """Apply the report rules to saved health reports; returns the alerts opened or updated.

    ``observations``: person id -> active observation, when the caller has them; otherwise
    a report's own observation is read, and only for a report that hits a rule."""
    reports = list(reports)
    if not reports:
        return []
    rules = current_rules()
    raised = []
    for report in reports:
        hits = report_hits(report, rules)
        if not hits:
            continue
        if observations is not None:
            observation = observations.get(report.person_id)
        else:
            observation = report.observation
        for hit in hits:
            alert, _ = alert_raise(
                person=report.person,
                cause=hit.cause,
                details=hit.details,
                observation=observation,
                rules=rules,
            )
            raised.append(alert)
    return raised


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    require(actor, Perm.HANDLE_ALERTS, alert.grid)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError(ERR_ALREADY_RESOLVED)
    if alert.status == AlertStatus.ACKNOWLEDGED:
        raise ValidationError(ERR_ALREADY_ACKNOWLEDGED)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
    if alert.owner_id is None:
        alert.owner = actor
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "owner"])
    _record(actor, "alert.acknowledge", alert)
    return alert


@transaction.atomic
def alert_resolve(*, actor, alert: Alert, outcome: str, note: str = "") -> Alert:
    require(actor, Perm.HANDLE_ALERTS, alert.grid)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError(ERR_ALREADY_RESOLVED)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [ERR_OUTCOME_REQUIRED]})
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at, alert.resolved_by = now, actor
    alert.outcome, alert.outcome_note = outcome, clean_line(note)[:200]
    alert.save()
    _record(actor, "alert.resolve", alert, {"outcome": outcome})
    return alert
