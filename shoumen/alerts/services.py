"""Every write to alerts: raise (one open alert per person and cause), acknowledge, resolve."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.messages import words
from shoumen.alerts.models import OPEN_STATUSES, Alert, AlertRules, AlertStatus, Outcome
from shoumen.alerts.notify import notify
from shoumen.alerts.rules import current_rules, report_hits
from shoumen.alerts.selectors import observations_to_end
from shoumen.audit.services import audit_event_record
from shoumen.lib.names import mask_name
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


def _hit_again(alert: Alert, details: dict, now: datetime.datetime) -> Alert:
    """Count one more hit on an open alert. ``hits + 1`` is computed by the database, so
    hits arriving together all count."""
    Alert.objects.filter(pk=alert.pk).update(hits=F("hits") + 1, last_seen_at=now, details=details)
    alert.refresh_from_db(fields=["hits", "last_seen_at", "details"])
    return alert


@transaction.atomic
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
        return _hit_again(open_alert, details, now), False
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
        # Raised concurrently by another request: that one stands, and this hit counts on it.
        winner = (
            Alert.objects.select_for_update()
            .filter(person=person, cause=cause, status__in=OPEN_STATUSES)
            .first()
        )
        if winner is None:  # resolved meanwhile: this hit opens the next one
            return alert_raise(
                person=person,
                cause=cause,
                details=details,
                observation=observation,
                owner=owner,
                rules=rules,
                now=now,
            )
        return _hit_again(winner, details, now), False
    _record(None, "alert.raise", alert, {"cause": cause}, actor_label="alert rules")
    if alert.owner is not None:
        values = {
            "cause": alert.cause,
            "name": person.name,
            "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
        }
        notify(
            recipients=[alert.owner],
            alert=alert,
            title=TITLE_NEW % {**values, "cause": alert.get_cause_display()},
            words={"title": words("alert.new", values)},
        )
    return alert, True


TITLE_VISITOR = _("%(cause)s: visitor %(name)s at %(checkpoint)s, due by %(due)s")


def alert_raise_for_visitor(
    *,
    unit,
    name: str,
    cause: str,
    details: dict,
    owner=None,
    rules: AlertRules | None = None,
) -> Alert:
    """A visitor at a post hit a rule (a fever at the gate). A visitor is not in the
    registry, so the alert hangs on the post's community (``unit``) and names the visitor
    masked; it is owned and notified as a resident's would be. ``details`` carry the
    visitor and checkpoint ids, the temperature and the day."""
    rules = rules or current_rules()
    now = timezone.now()
    alert = Alert.objects.create(
        person=None,
        grid=unit,
        cause=cause,
        owner=owner,
        opened_at=now,
        due_at=now + datetime.timedelta(minutes=rules.due_minutes(cause)),
        last_seen_at=now,
        details=details,
    )
    _record(None, "alert.raise", alert, {"cause": cause, "visitor": True}, "alert rules")
    if owner is not None:
        values = {
            "cause": alert.cause,
            "name": mask_name(name),
            "checkpoint": details.get("checkpoint", ""),
            "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
        }
        notify(
            recipients=[owner],
            alert=alert,
            title=TITLE_VISITOR % {**values, "cause": alert.get_cause_display()},
            words={"title": words("alert.visitor", values)},
        )
    return alert


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


TITLE_TAKEN_OVER = _("%(cause)s: %(name)s is now handled by %(owner)s")


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    """ "I am handling it": the actor acknowledges the alert and becomes its owner. The owner
    it had until then is told who took it over; the audit event keeps both."""
    require(actor, Perm.HANDLE_ALERTS, alert.grid)
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("person", "owner")
        .get(pk=alert.pk)
    )
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError(ERR_ALREADY_RESOLVED)
    if alert.status == AlertStatus.ACKNOWLEDGED:
        raise ValidationError(ERR_ALREADY_ACKNOWLEDGED)
    previous = alert.owner
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
    alert.owner = actor
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "owner"])
    changes = {"owner": [previous.pk if previous else None, actor.pk]}
    _record(actor, "alert.acknowledge", alert, changes)
    if previous is not None and previous.pk != actor.pk:
        values = {
            "cause": alert.cause,
            "name": alert.person.name if alert.person else "-",
            "owner": str(actor),
        }
        notify(
            recipients=[previous],
            alert=alert,
            title=TITLE_TAKEN_OVER % {**values, "cause": alert.get_cause_display()},
            words={"title": words("alert.taken_over", values)},
        )
    return alert


# Outcomes after which the person is no longer followed at home.
SENT_AWAY = frozenset({Outcome.FEVER_CLINIC, Outcome.HOSPITAL})
ERR_NOTHING_TO_END = _("This person has no active observation to end.")
ERR_END_OUTCOME = _(
    "Only an alert resolved as sent to the fever clinic or hospital ends the observation."
)
END_REASON = _("Alert resolved: %(outcome)s")


@transaction.atomic
def alert_resolve(
    *, actor, alert: Alert, outcome: str, note: str = "", end_observation: bool = False
) -> Alert:
    """Resolve an alert with its outcome. ``end_observation``: the person was sent to the
    fever clinic or hospital, so their active observations end as sent to hospital, in the
    same step, through the observation service (which audits them and updates the pass)."""
    require(actor, Perm.HANDLE_ALERTS, alert.grid)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError(ERR_ALREADY_RESOLVED)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [ERR_OUTCOME_REQUIRED]})
    if end_observation and outcome not in SENT_AWAY:
        raise ValidationError({"end_observation": [ERR_END_OUTCOME]})
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at, alert.resolved_by = now, actor
    alert.outcome, alert.outcome_note = outcome, clean_line(note)[:200]
    alert.save()
    ended = _end_observations(actor, alert) if end_observation else []
    changes = {"outcome": outcome, **({"observations_ended": ended} if ended else {})}
    _record(actor, "alert.resolve", alert, changes)
    return alert


def _end_observations(actor, alert: Alert) -> list[int]:
    # Observation and alerts sit at the same level: observation raises alerts through this
    # module, and alerts reach observation's services only from inside a function.
    from shoumen.observation.models import ObservationStatus
    from shoumen.observation.services import observation_close

    observations = observations_to_end(alert)
    if not observations:
        raise ValidationError({"end_observation": [ERR_NOTHING_TO_END]})
    reason = alert.outcome_note
    if len(reason) < 2:
        reason = str(END_REASON % {"outcome": alert.get_outcome_display()})
    for obs in observations:
        observation_close(
            actor=actor, observation=obs, status=ObservationStatus.HOSPITALISED, reason=reason
        )
    return [obs.pk for obs in observations]
