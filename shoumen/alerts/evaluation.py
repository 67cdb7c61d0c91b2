"""The scheduled alert rules: non-reporting, lost contact and release check.

Each rule is a handful of set-based SQL statements over everyone under observation (no
loop over persons): update the open alerts the rule hits again, insert the new ones (one
open alert per person and cause, kept by the database's partial unique index), then put
one inbox message per owner and cause with the number of new alerts, and send its
email/SMS copy. The SQL is
written once for PostgreSQL and SQLite.

A repeat counts once per missed slot (non-reporting) or once per day (lost contact,
release check): an open alert whose ``last_seen_at`` is already past that moment is left
as it is, so the schedule can run as often as it likes."""

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.messages import words
from shoumen.alerts.models import Alert, AlertRules, AlertStatus, Cause, Notification
from shoumen.alerts.notify import ALERTS_COPY, COPY_SUBJECT, send_copies
from shoumen.alerts.rules import current_rules, slot_deadline
from shoumen.audit.services import audit_event_record
from shoumen.observation.models import HealthReport, Observation, Slot

RULES_LABEL = "alert rules"
TITLE_OPENED = _("%(count)d new alerts (%(cause)s), to handle by %(due)s")

OBS = Observation._meta.db_table
REPORTS = HealthReport._meta.db_table
ALERTS = Alert._meta.db_table
NOTES = Notification._meta.db_table


@dataclass
class RuleResult:
    cause: str
    opened: int = 0
    updated: int = 0


@dataclass
class EvaluationResult:
    rules: list[RuleResult] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return sum(r.opened for r in self.rules)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.rules)


def _dt(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _d(value: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _json_sql() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


# Active observations, one per person (the latest started if a person has several kinds).
ACTIVE = f"""
    SELECT o.id AS observation_id, o.person_id, o.grid_id, o.responsible_id
    FROM {OBS} o
    WHERE o.status = 'active' AND o.person_id IS NOT NULL AND o.starts_on <= %s
      AND o.created_at <= %s
      AND NOT EXISTS (
        SELECT 1 FROM {OBS} o2
        WHERE o2.person_id = o.person_id AND o2.status = 'active' AND o2.id > o.id
      )
"""


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _apply(
    *,
    cause: str,
    candidates_sql: str,
    params: list[Any],
    counted_since: datetime.datetime,
    details: dict[str, Any],
    rules: AlertRules,
    now: datetime.datetime,
) -> RuleResult:
    """Update the open alerts of ``cause`` for the candidates and insert the missing ones.

    ``candidates_sql`` selects (observation_id, person_id, grid_id, responsible_id);
    an open alert last seen before ``counted_since`` counts one more hit."""
    due = now + datetime.timedelta(minutes=rules.due_minutes(cause))
    details_json = json.dumps(details, sort_keys=True)
    open_statuses = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)
    result = RuleResult(cause)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {ALERTS} SET hits = hits + 1, last_seen_at = %s, details = {_json_sql()}
            WHERE cause = %s AND status IN (%s, %s) AND last_seen_at < %s
              AND person_id IN (SELECT c.person_id FROM ({candidates_sql}) c)
            """,
            [_dt(now), details_json, cause, *open_statuses, _dt(counted_since), *params],
        )
        result.updated = max(cursor.rowcount, 0)
        cursor.execute(
            f"""
            INSERT INTO {ALERTS} (person_id, grid_id, observation_id, cause, status, level,
                owner_id, opened_at, due_at, last_seen_at, hits, details, outcome, outcome_note)
            SELECT c.person_id, c.grid_id, c.observation_id, %s, 'open', 0,
                c.responsible_id, %s, %s, %s, 1, {_json_sql()}, '', ''
            FROM ({candidates_sql}) c
            WHERE NOT EXISTS (
                SELECT 1 FROM {ALERTS} a
                WHERE a.person_id = c.person_id AND a.cause = %s AND a.status IN (%s, %s)
            )
            ON CONFLICT DO NOTHING
            """,
            [
                cause,
                _dt(now),
                _dt(due),
                _dt(now),
                details_json,
                *params,
                cause,
                *open_statuses,
            ],
        )
        result.opened = max(cursor.rowcount, 0)
        if result.opened:
            _notify_new(cursor, cause=cause, now=now, due=due, count=result.opened)
    if result.opened or result.updated:
        audit_event_record(
            actor=None,
            actor_label=RULES_LABEL,
            action="alerts.evaluate",
            changes={
                "cause": cause,
                "opened": result.opened,
                "updated": result.updated,
                **details,
            },
        )
    return result


def _notify_new(cursor, *, cause: str, now: datetime.datetime, due: datetime.datetime, count: int):
    """One inbox message (and one email/SMS copy) per owner for the alerts of ``cause``
    opened in this run, found by their ``opened_at``: a worker with 40 persons who missed
    the morning report gets one message that points to the list, not 40."""
    cursor.execute(
        f"""
        SELECT owner_id, COUNT(*) FROM {ALERTS}
        WHERE cause = %s AND opened_at = %s AND status = 'open' AND owner_id IS NOT NULL
        GROUP BY owner_id
        """,
        [cause, _dt(now)],
    )
    per_owner = cursor.fetchall()
    label = Cause(cause).label
    hhmm = timezone.localtime(due).strftime("%H:%M")
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=owner,
                title=str(TITLE_OPENED % {"count": n, "cause": label, "due": hhmm})[:200],
                words={"title": words("alerts.opened", {"count": n, "cause": cause, "due": hhmm})},
            )
            for owner, n in per_owner
        ],
        batch_size=2000,
    )
    subject = str(COPY_SUBJECT % {"title": label})
    send_copies(
        {
            owner: (subject, str(ALERTS_COPY % {"count": n, "cause": label}))
            for owner, n in per_owner
        }
    )


def evaluate_non_reporting(
    rules: AlertRules, now: datetime.datetime, slots: list[str] | None = None
) -> list[RuleResult]:
    """Everyone under active observation without a report for a slot of today whose
    deadline has passed (observations started after the deadline owe nothing for it)."""
    day = timezone.localdate(now)
    results = []
    for slot in slots if slots is not None else Slot.values:
        deadline = slot_deadline(rules, day, slot)
        if deadline > now:
            continue
        sql = f"""{ACTIVE}
            AND NOT EXISTS (
                SELECT 1 FROM {REPORTS} r
                WHERE r.person_id = o.person_id AND r.date = %s AND r.slot = %s
            )
        """
        results.append(
            _apply(
                cause=Cause.NON_REPORTING,
                candidates_sql=sql,
                params=[_d(day), _dt(deadline), _d(day), slot],
                counted_since=deadline,
                details={"date": day.isoformat(), "slot": slot},
                rules=rules,
                now=now,
            )
        )
    return results


def evaluate_lost_contact(rules: AlertRules, now: datetime.datetime) -> RuleResult:
    """Workers tried and did not reach the person on each of the last N days (today
    included), and no report reached them on any of those days."""
    day = timezone.localdate(now)
    days = int(rules.lost_contact_days)
    first = day - datetime.timedelta(days=days - 1)
    sql = f"""{ACTIVE}
        AND o.person_id IN (
            SELECT r.person_id FROM {REPORTS} r
            WHERE r.date >= %s AND r.date <= %s AND r.reached = %s
              AND NOT EXISTS (
                SELECT 1 FROM {REPORTS} r2
                WHERE r2.person_id = r.person_id AND r2.date = r.date
                  AND (r2.reached IS NULL OR r2.reached = %s)
              )
            GROUP BY r.person_id
            HAVING COUNT(DISTINCT r.date) >= %s
        )
    """
    return _apply(
        cause=Cause.LOST_CONTACT,
        candidates_sql=sql,
        params=[_d(day), _dt(now), _d(first), _d(day), False, True, days],
        counted_since=_midnight(day),
        details={"from": first.isoformat(), "to": day.isoformat(), "days": days},
        rules=rules,
        now=now,
    )


def evaluate_release_check(rules: AlertRules, now: datetime.datetime) -> RuleResult:
    """Observations whose last day is today: a last check before release."""
    day = timezone.localdate(now)
    sql = f"{ACTIVE} AND o.ends_on = %s"
    return _apply(
        cause=Cause.RELEASE_CHECK,
        candidates_sql=sql,
        params=[_d(day), _dt(now), _d(day)],
        counted_since=_midnight(day),
        details={"ends_on": day.isoformat()},
        rules=rules,
        now=now,
    )


def alerts_evaluate(*, now: datetime.datetime | None = None) -> EvaluationResult:
    """Run every scheduled rule once, in one transaction."""
    now = now or timezone.now()
    rules = current_rules()
    result = EvaluationResult()
    with transaction.atomic():
        result.rules.extend(evaluate_non_reporting(rules, now))
        result.rules.append(evaluate_lost_contact(rules, now))
        result.rules.append(evaluate_release_check(rules, now))
    return result
