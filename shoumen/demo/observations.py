"""Key persons and their reports: about 2% of the demo residents under observation, their
morning and afternoon reports, and the alerts the rules raise on recent fevers."""

import datetime
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Alert, AlertStatus, Notification, Outcome
from shoumen.alerts.rules import Hit, current_rules, report_hits
from shoumen.alerts.services import TITLE_NEW
from shoumen.lib.bulk import copy_rows
from shoumen.lib.dates import today
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.observation.models import (
    SYMPTOMS,
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    Slot,
    Source,
)
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status

OBSERVED_SHARE = 0.02
REPORT_DAYS = 30
RISK_AREAS = ["广州市白云区", "上海市浦东新区", "成都市武侯区", "西安市雁塔区", "石家庄市藁城区"]
DEMO_KINDS = [
    (Kind.HOME_ISOLATION, 25),
    (Kind.CENTRAL_ISOLATION, 5),
    (Kind.HOME_MONITORING, 40),
    (Kind.ROUTINE_MONITORING, 30),
]
DEMO_REASONS = [
    (Reason.RISK_AREA, 45),
    (Reason.CLOSE_CONTACT, 20),
    (Reason.SECONDARY_CONTACT, 15),
    (Reason.FEVER_CLINIC, 12),
    (Reason.OTHER, 8),
]
# Finished observations mostly complete; a few end otherwise.
DEMO_ENDINGS = [
    (ObservationStatus.COMPLETED, 90),
    (ObservationStatus.HOSPITALISED, 3),
    (ObservationStatus.LOST, 2),
    (ObservationStatus.CANCELLED, 5),
]
FEVER_EPISODE_SHARE = 0.08
SLOT_HOURS = {Slot.MORNING: 8, Slot.AFTERNOON: 14}


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _at(day: datetime.date, hour: int, minutes: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))) + (
        datetime.timedelta(minutes=minutes)
    )


class DemoObservations:
    """About 2% of the residents under observation, started over the last 30 days, with
    their morning and afternoon reports, and the alerts the rules raise on recent fevers.

    Written in bulk in the form the services store (``observation_start``,
    ``health_reports_ingest``, ``alert_raise``); the demo's one audit event counts them."""

    def __init__(self, district: OrgUnit, *, seed: int, day: datetime.date):
        self.district = district
        self.rng = random.Random(seed * 7919 + 1)  # noqa: S311 (demo data, not secrets)
        self.day = day
        # Another reference day (a reproducible build) is seen from that day's evening.
        self.now = timezone.now() if day == today() else _at(day, 18, 0)
        self.rules = current_rules()

    def _observation(self, person_id: int, grid_id: int, responsible_id) -> Observation:
        rng, day = self.rng, self.day
        kind, reason = _pick(rng, DEMO_KINDS), _pick(rng, DEMO_REASONS)
        period = int(settings.OBSERVATION_PERIOD_DAYS[kind])
        starts = day - datetime.timedelta(days=rng.randrange(REPORT_DAYS))
        ends = starts + datetime.timedelta(days=period - 1)
        obs = Observation(
            person_id=person_id,
            grid_id=grid_id,
            kind=kind,
            reason=reason,
            starts_on=starts,
            period_days=period,
            ends_on=ends,
            responsible_id=responsible_id,
            status=ObservationStatus.ACTIVE,
            status_changed_at=_at(starts, 9, rng.randrange(480)),
        )
        if reason == Reason.RISK_AREA:
            obs.risk_area, obs.arrival_date = rng.choice(RISK_AREAS), starts
        elif reason in (Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT):
            obs.last_exposure_date = starts
        if ends < day:
            obs.status = _pick(rng, DEMO_ENDINGS)
            last = (
                ends
                if obs.status == ObservationStatus.COMPLETED
                else starts + (datetime.timedelta(days=rng.randrange(period)))
            )
            obs.status_changed_at = _at(last + datetime.timedelta(days=1), 0, 30)
        return obs

    def _reports(self, obs: Observation, last_day: datetime.date) -> Iterator[dict]:
        rng = self.rng
        first = max(obs.starts_on, self.day - datetime.timedelta(days=REPORT_DAYS - 1))
        days = (last_day - first).days + 1
        fever_day = None
        if days > 0 and rng.random() < FEVER_EPISODE_SHARE:
            # A third of the episodes are recent, so that the boards have open alerts.
            back = rng.randrange(min(days, 2)) if rng.random() < 0.35 else rng.randrange(days)
            fever_day = last_day - datetime.timedelta(days=back)
        cough = rng.random() < 0.4
        for offset in range(max(days, 0)):
            d = first + datetime.timedelta(days=offset)
            for slot, hour in SLOT_HOURS.items():
                at = _at(d, hour, rng.randrange(150))
                if at > self.now or rng.random() < 0.06:
                    continue  # not yet, or missed
                feverish = fever_day is not None and 0 <= (d - fever_day).days <= 1
                worker = rng.random() < 0.35
                yield {
                    "person_id": obs.person_id,
                    "grid_id": obs.grid_id,
                    "observation_id": obs.pk,
                    "date": d,
                    "slot": slot,
                    "temperature": Decimal(
                        f"{rng.uniform(37.4, 39.0) if feverish else rng.uniform(36.0, 37.1):.1f}"
                    ),
                    "cough": feverish and cough,
                    "source": Source.WORKER_PHONE if worker else Source.SELF,
                    "reached": True if worker else None,
                    "client_uuid": uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    "recorded_by_id": obs.responsible_id if worker else None,
                    "recorded_at": at,
                }

    def _last_report_day(self, obs: Observation) -> datetime.date:
        if obs.status == ObservationStatus.ACTIVE:
            return self.day
        assert obs.status_changed_at is not None
        return timezone.localdate(obs.status_changed_at) - datetime.timedelta(days=1)

    def load(self) -> dict[str, int]:
        persons = list(
            Person.objects.filter(grid__path__startswith=self.district.path, status=Status.RESIDENT)
            .order_by("pk")
            .values_list("pk", "grid_id")
        )
        chosen = sorted(self.rng.sample(persons, max(1, round(len(persons) * OBSERVED_SHARE))))
        workers: dict[int, int] = {}
        for user_id, grid_id in RoleAssignment.objects.filter(
            role=Role.GRID_WORKER, org_unit__path__startswith=self.district.path
        ).values_list("user_id", "org_unit_id"):
            workers.setdefault(grid_id, user_id)
        observations = Observation.objects.bulk_create(
            [self._observation(p, g, workers.get(g)) for p, g in chosen], batch_size=1000
        )
        # Registered on their first day, as the daily figures read it (the bulk insert
        # stamped them all with now).
        for obs in observations:
            obs.created_at = _at(obs.starts_on, 8, 30)
        Observation.objects.bulk_update(observations, ["created_at"], batch_size=1000)
        reports = [
            row for obs in observations for row in self._reports(obs, self._last_report_day(obs))
        ]
        ensure_day_partitions(HealthReport, {r["date"] for r in reports})
        _write_reports(reports)
        alerts = self._alerts(observations, reports)
        return {
            "observations": len(observations),
            "health_reports": len(reports),
            "alerts": alerts,
        }

    def _alerts(self, observations: list[Observation], reports: list[dict]) -> int:
        """The alerts the rules raise on the fevers of active observations: one per person
        and cause. Those of the last two days are open (a third acknowledged), older ones
        resolved."""
        active = {o.pk: o for o in observations if o.status == ObservationStatus.ACTIVE}
        hits: dict[tuple[int, str], tuple[HealthReport, Hit]] = {}
        for row in reports:
            if row["observation_id"] not in active:
                continue
            report = HealthReport(**row)
            for hit in report_hits(report, self.rules):
                key = (report.person_id, hit.cause)
                seen = hits.get(key)
                hits[key] = (seen[0] if seen else report, hit)
        names = dict(Person.objects.filter(pk__in={p for p, _ in hits}).values_list("pk", "name"))
        recent = self.now - datetime.timedelta(days=2)
        alerts, notes = [], []
        for (person_id, cause), (first, hit) in hits.items():
            obs = active[first.observation_id or 0]
            opened = first.recorded_at
            alert = Alert(
                person_id=person_id,
                grid_id=obs.grid_id,
                observation_id=obs.pk,
                cause=cause,
                owner_id=obs.responsible_id,
                opened_at=opened,
                due_at=opened + datetime.timedelta(minutes=self.rules.due_minutes(cause)),
                last_seen_at=opened,
                details=hit.details,
            )
            if opened < recent:
                alert.status = AlertStatus.RESOLVED
                alert.acknowledged_at = opened + datetime.timedelta(minutes=40)
                alert.resolved_at = opened + datetime.timedelta(hours=3)
                alert.acknowledged_by_id = alert.resolved_by_id = obs.responsible_id
                alert.outcome = self.rng.choice([Outcome.RECOVERED, Outcome.FALSE_READING])
            elif self.rng.random() < 0.3 and obs.responsible_id:
                alert.status = AlertStatus.ACKNOWLEDGED
                alert.acknowledged_at = opened + datetime.timedelta(minutes=40)
                alert.acknowledged_by_id = obs.responsible_id
            alerts.append(alert)
        Alert.objects.bulk_create(alerts, batch_size=1000)
        for alert in alerts:
            if alert.owner_id is not None:
                title = TITLE_NEW % {
                    "cause": alert.get_cause_display(),
                    "name": names.get(alert.person_id or 0, ""),
                    "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
                }
                notes.append(Notification(recipient_id=alert.owner_id, alert=alert, title=title))
        Notification.objects.bulk_create(notes, batch_size=1000)
        return len(alerts)


REPORT_COLUMNS = [
    "person_id", "grid_id", "observation_id", "date", "slot", "temperature", "fever", "cough",
    "sore_throat", "fatigue", "diarrhoea", "loss_of_smell_taste", "short_of_breath",
    "other_symptoms", "source", "reached", "client_uuid", "recorded_by_id", "recorded_at",
]  # fmt: skip
REPORT_DEFAULTS = dict.fromkeys(SYMPTOMS, False) | {"other_symptoms": ""}


def _write_reports(rows: list[dict]) -> None:
    if connection.vendor != "postgresql":
        HealthReport.objects.bulk_create(
            [HealthReport(**{**REPORT_DEFAULTS, **row}) for row in rows], batch_size=1000
        )
        return

    def values():
        for row in rows:
            merged = {**REPORT_DEFAULTS, **row}
            yield [merged[c] for c in REPORT_COLUMNS]

    copy_rows(HealthReport, REPORT_COLUMNS, values())
