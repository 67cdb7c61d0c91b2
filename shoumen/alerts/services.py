"""Every write to alerts: raise (one open alert per person and cause), acknowledge, resolve."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.scoping import require
from shoumen.alerts.families import handling_perm
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
    due_minutes: int | None = None,
) -> tuple[Alert, bool]:
    """Open an alert, or update the open one for the same person and cause.

    Returns (alert, created). A new alert is owned by ``owner`` or else the responsible
    worker, who is notified. It falls due after ``due_minutes``, or the alert rules'
    time for its cause."""
    rules = rules or current_rules()
    now = now or timezone.now()
    if due_minutes is None:
        due_minutes = rules.due_minutes(cause)
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
        due_at=now + datetime.timedelta(minutes=due_minutes),
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
                due_minutes=due_minutes,
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


TITLE_UNIT = _("%(cause)s at %(unit)s, due by %(due)s")


def _open_on_unit(unit, cause: str, key: str) -> Alert | None:
    return (
        Alert.objects.select_for_update()
        .filter(grid=unit, cause=cause, key=key, person__isnull=True, status__in=OPEN_STATUSES)
        .first()
    )


def _unit_hit_again(alert: Alert, details: dict, now: datetime.datetime) -> Alert:
    """A rule still holds on an open unit alert: only new figures count as a new hit, so
    that evaluating again with nothing new writes nothing."""
    if alert.details == details:
        return alert
    return _hit_again(alert, details, now)


@transaction.atomic
def alert_raise_for_unit(
    *,
    unit,
    cause: str,
    key: str,
    details: dict,
    owner=None,
    due_minutes: int,
    now: datetime.datetime | None = None,
) -> tuple[Alert, bool]:
    """Open an alert on an org unit (a school or a class) rather than a person, or update
    the open one of the same unit, cause and key (a disease, a pupil). Race-safe as
    ``alert_raise``: the partial unique index keeps one open. Returns (alert, created); a
    new alert's owner is notified."""
    if not key:
        raise ValueError("a unit alert needs a key")
    now = now or timezone.now()
    open_alert = _open_on_unit(unit, cause, key)
    if open_alert is not None:
        return _unit_hit_again(open_alert, details, now), False
    alert = Alert(
        person=None,
        grid=unit,
        cause=cause,
        key=key,
        owner=owner,
        opened_at=now,
        due_at=now + datetime.timedelta(minutes=due_minutes),
        last_seen_at=now,
        details=details,
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        winner = _open_on_unit(unit, cause, key)
        if winner is None:  # resolved meanwhile: this hit opens the next one
            return alert_raise_for_unit(
                unit=unit,
                cause=cause,
                key=key,
                details=details,
                owner=owner,
                due_minutes=due_minutes,
                now=now,
            )
        return _unit_hit_again(winner, details, now), False
    rules = "school rules" if alert.is_school else "community rules"
    _record(None, "alert.raise", alert, {"cause": cause, "key": key}, actor_label=rules)
    if owner is not None:
        values = {
            "cause": cause,
            "unit": unit.name,
            "due": timezone.localtime(alert.due_at).strftime("%m-%d %H:%M"),
        }
        notify(
            recipients=[owner],
            alert=alert,
            title=TITLE_UNIT % {**values, "cause": alert.get_cause_display()},
            words={"title": words("alert.unit", values)},
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


TITLE_TAKEN_OVER = _("%(cause)s: %(name)s is now handled by %(owner)s")


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    """ "I am handling it": the actor acknowledges the alert and becomes its owner. The owner
    it had until then is told who took it over; the audit event keeps both."""
    require(actor, handling_perm(alert.cause), alert.grid)
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
            "name": alert.person.name if alert.person else alert.grid.name,
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
    require(actor, handling_perm(alert.cause), alert.grid)
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
