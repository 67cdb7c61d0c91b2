"""Every write about key persons: observations through their lifecycle, and health reports."""

import datetime
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require, scope_q
from shoumen.alerts.services import alerts_raise_for_reports
from shoumen.audit.services import audit_event_record, audit_events_record_many
from shoumen.lib import events
from shoumen.lib.bulk import copy_rows, next_ids, update_rows
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.lib.rawsql import in_values
from shoumen.lib.text import clean_line
from shoumen.observation.models import (
    SYMPTOMS,
    WORKER_SOURCES,
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    ReportLink,
    Slot,
    Source,
)
from shoumen.observation.selectors import grid_worker_of
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status

ERR_KIND = _("Choose the kind of observation.")
ERR_REASON = _("Choose why the person is observed.")
ERR_RISK_AREA_REQUIRED = _("Enter the risk area the person came from.")
ERR_ARRIVAL_REQUIRED = _("Enter the date the person arrived.")
ERR_EXPOSURE_REQUIRED = _("Enter the date of the last contact.")
ERR_DATE_FUTURE = _("The date cannot be in the future.")
ERR_PERIOD_RANGE = _("The period is between 1 and 60 days.")
ERR_PERIOD_OVER = _("Counted from %(start)s, this period already ended on %(end)s.")
ERR_ALREADY_OBSERVED = _("This person is already under %(kind)s until %(end)s.")
ERR_NOT_RESIDENT = _("Only current residents can be observed.")
ERR_NOT_ACTIVE = _("This observation has already ended (%(status)s).")
ERR_RESPONSIBLE_SCOPE = _("The responsible worker must work in this grid.")
ERR_TRANSFER_SAME = _("Choose another community: the person is already observed here.")
ERR_TRANSFER_LEVEL = _("Transfers go to a community.")
ERR_TRANSFER_PENDING = _("A transfer to %(unit)s is already waiting to be accepted.")
ERR_NO_TRANSFER = _("There is no transfer waiting for this observation.")
ERR_ACCEPT_GRID = _("Choose a grid of %(unit)s for the person.")
ERR_EXPOSURE_BEFORE = _("The new exposure must be after the last one (%(date)s).")
ERR_CLOSE_STATUS = _("Choose sent to hospital, lost to follow-up or cancelled.")

ERR_PERSON_UNKNOWN = _("There is no such person in your jurisdiction.")
ERR_PERSON_NOT_RESIDENT = _("This person is no longer a resident.")
ERR_REPORT_DATE_OLD = _("Reports can be entered for the last %(days)d days only.")
ERR_TEMPERATURE_RANGE = _("Enter a body temperature between 34.0 and 43.0 °C.")
ERR_SLOT = _("Choose morning or afternoon.")
ERR_SOURCE = _("Choose who gave the report.")
ERR_REACHED_WORKER_ONLY = _("Only a worker's contact records whether the person was reached.")
ERR_NOT_REACHED_DETAILS = _("Leave temperature and symptoms empty when the person was not reached.")

ERR_DATE_REQUIRED = _("Enter the date of the report.")
ERR_CLIENT_UUID = _("Each report needs its client UUID.")

REPORT_BACKFILL_DAYS = 7
MIN_TEMPERATURE, MAX_TEMPERATURE = Decimal("34.0"), Decimal("43.0")
SELF_SOURCES = frozenset({Source.SELF, Source.PROXY})
SLOTS = frozenset(Slot.values)
SOURCES = frozenset(Source.values)


def _record(actor, action: str, obj, *, org_path: str, changes=None, reason: str = "", **kw):
    audit_event_record(
        actor=actor,
        action=action,
        target=obj,
        org_path=org_path,
        changes=changes,
        reason=reason,
        **kw,
    )


def period_days_for(kind: str) -> int:
    return int(settings.OBSERVATION_PERIOD_DAYS[kind])


# ---------------------------------------------------------------- observations


def _validated_start(values: Mapping[str, Any], day: datetime.date) -> dict[str, Any]:
    errors: dict[str, list] = {}
    kind, reason = str(values.get("kind") or ""), values.get("reason")
    if kind not in Kind.values:
        errors["kind"] = [ERR_KIND]
    if reason not in Reason.values:
        errors["reason"] = [ERR_REASON]
    risk_area = clean_line(values.get("risk_area") or "")[:100]
    arrival, exposure = values.get("arrival_date"), values.get("last_exposure_date")
    if reason == Reason.RISK_AREA:
        if not risk_area:
            errors["risk_area"] = [ERR_RISK_AREA_REQUIRED]
        if arrival is None:
            errors["arrival_date"] = [ERR_ARRIVAL_REQUIRED]
    if reason in (Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT) and exposure is None:
        errors["last_exposure_date"] = [ERR_EXPOSURE_REQUIRED]
    for name in ("arrival_date", "last_exposure_date"):
        if values.get(name) is not None and values[name] > day:
            errors[name] = [ERR_DATE_FUTURE]
    given = values.get("period_days")
    known_kind = kind in Kind.values
    period = int(given) if given is not None else period_days_for(kind) if known_kind else 0
    if known_kind and not 1 <= period <= 60:
        errors["period_days"] = [ERR_PERIOD_RANGE]
    if errors:
        raise ValidationError(errors)
    # Counted from the last exposure, else the arrival, else today.
    starts_on = exposure or arrival or day
    ends_on = starts_on + datetime.timedelta(days=period - 1)
    if ends_on < day:
        raise ValidationError(ERR_PERIOD_OVER % {"start": starts_on, "end": ends_on})
    return {
        "kind": kind,
        "reason": reason,
        "risk_area": risk_area,
        "arrival_date": arrival,
        "last_exposure_date": exposure,
        "reason_note": clean_line(values.get("reason_note") or "")[:200],
        "starts_on": starts_on,
        "period_days": period,
        "ends_on": ends_on,
    }


def _check_responsible(responsible, grid: OrgUnit) -> None:
    if responsible is not None and not can(responsible, Perm.RECORD_HEALTH_REPORTS, grid):
        raise ValidationError({"responsible": [ERR_RESPONSIBLE_SCOPE]})


def _snapshot(obs: Observation) -> dict[str, Any]:
    return {
        "kind": obs.kind,
        "reason": obs.reason,
        "risk_area": obs.risk_area,
        "arrival_date": obs.arrival_date.isoformat() if obs.arrival_date else None,
        "last_exposure_date": (
            obs.last_exposure_date.isoformat() if obs.last_exposure_date else None
        ),
        "starts_on": obs.starts_on.isoformat(),
        "ends_on": obs.ends_on.isoformat(),
        "responsible": obs.responsible_id,
        "status": obs.status,
        "transfer_to": obs.transfer_to_id,
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _record_change(actor, action: str, obs: Observation, before: Mapping[str, Any], **kw) -> None:
    """Audit what changed on ``obs`` since ``before`` (its earlier snapshot)."""
    _record(actor, action, obs, org_path=obs.grid.path, changes=_diff(before, _snapshot(obs)), **kw)


@transaction.atomic
def observation_start(*, actor, person: Person, responsible=None, **values: Any) -> Observation:
    """Put a resident under observation; the grid worker is responsible by default."""
    require(actor, Perm.MANAGE_OBSERVATIONS, person.grid)
    if person.status != Status.RESIDENT:
        raise ValidationError(ERR_NOT_RESIDENT)
    cleaned = _validated_start(values, today())
    current = Observation.objects.filter(
        person=person, kind=cleaned["kind"], status=ObservationStatus.ACTIVE
    ).first()
    if current is not None:
        raise ValidationError(
            ERR_ALREADY_OBSERVED % {"kind": current.get_kind_display(), "end": current.ends_on}
        )
    _check_responsible(responsible, person.grid)
    obs = Observation(
        person=person,
        grid=person.grid,
        responsible=responsible or grid_worker_of(person.grid),
        created_by=actor,
        status_changed_at=timezone.now(),
        **cleaned,
    )
    try:
        with transaction.atomic():
            obs.save()
    except IntegrityError:
        raise ValidationError(
            ERR_ALREADY_OBSERVED % {"kind": obs.get_kind_display(), "end": "-"}
        ) from None
    _record(actor, "observation.start", obs, org_path=obs.grid.path, changes=_snapshot(obs))
    events.announce(
        events.ObservationStarted(observation_id=obs.pk, person_id=person.pk, kind=obs.kind)
    )
    return obs


@dataclass
class BulkStartResult:
    index: int
    observation: Observation | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def observations_start_bulk(
    *, actor, persons: Sequence[Person | None], common: Mapping[str, Any], rows=None
) -> list[BulkStartResult]:
    """Start one observation per person (e.g. returnees from a station notice).

    ``common`` holds the shared fields; ``rows`` optional per-person overrides (same order).
    Each person succeeds or fails on its own; a bad row does not stop the others."""
    results = []
    for index, person in enumerate(persons):
        values = {**common, **((rows or [{}] * len(persons))[index] or {})}
        if person is None:
            results.append(BulkStartResult(index, errors={"person": [str(ERR_PERSON_UNKNOWN)]}))
            continue
        try:
            obs = observation_start(actor=actor, person=person, **values)
        except ValidationError as exc:
            results.append(BulkStartResult(index, errors=_messages(exc)))
        else:
            results.append(BulkStartResult(index, observation=obs))
    return results


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _locked_active(obs: Observation) -> Observation:
    # Lock this row only: person is nullable (an outer join) and PostgreSQL will not lock one.
    obs = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("grid", "person")
        .get(pk=obs.pk)
    )
    if obs.status != ObservationStatus.ACTIVE:
        raise ValidationError(ERR_NOT_ACTIVE % {"status": obs.get_status_display()})
    return obs


def _set_status(actor, obs: Observation, status: str, *, note: str = "", reason: str = "", **kw):
    before = _snapshot(obs)
    obs.status, obs.status_changed_at = status, timezone.now()
    obs.outcome_note = note[:200]
    obs.save()
    _record_change(actor, f"observation.{status}", obs, before, reason=reason, **kw)
    events.announce(
        events.ObservationEnded(observation_id=obs.pk, person_id=obs.person_id, status=status)
    )
    return obs


@transaction.atomic
def observation_complete(*, actor, observation: Observation, note: str = "") -> Observation:
    """End an observation at (or after) its period end. ``actor`` None: the scheduled task."""
    if actor is not None:
        require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    obs = _locked_active(observation)
    label = None if actor is not None else "observation schedule"
    return _set_status(
        actor, obs, ObservationStatus.COMPLETED, note=clean_line(note), actor_label=label
    )


CLOSING_STATUSES = {
    ObservationStatus.HOSPITALISED,
    ObservationStatus.LOST,
    ObservationStatus.CANCELLED,
}


@transaction.atomic
def observation_close(*, actor, observation: Observation, status: str, reason: str) -> Observation:
    """Sent to hospital, lost to follow-up or cancelled, with a reason."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    if status not in CLOSING_STATUSES:
        raise ValidationError({"status": [ERR_CLOSE_STATUS]})
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    return _set_status(actor, obs, status, note=reason, reason=reason)


@transaction.atomic
def observation_extend(
    *, actor, observation: Observation, exposure_date: datetime.date, reason: str
) -> Observation:
    """Re-exposure: the period is counted again from the new exposure."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    if exposure_date > today():
        raise ValidationError({"exposure_date": [ERR_DATE_FUTURE]})
    if exposure_date <= obs.starts_on:
        raise ValidationError({"exposure_date": [ERR_EXPOSURE_BEFORE % {"date": obs.starts_on}]})
    before = _snapshot(obs)
    obs.last_exposure_date = exposure_date
    obs.starts_on = exposure_date
    obs.ends_on = exposure_date + datetime.timedelta(days=obs.period_days - 1)
    obs.save()
    _record_change(actor, "observation.extend", obs, before, reason=reason)
    return obs


@transaction.atomic
def observation_assign(*, actor, observation: Observation, responsible) -> Observation:
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    obs = _locked_active(observation)
    _check_responsible(responsible, obs.grid)
    before = _snapshot(obs)
    obs.responsible = responsible
    obs.save(update_fields=["responsible", "updated_at"])
    _record_change(actor, "observation.assign", obs, before)
    return obs


@transaction.atomic
def observation_transfer_request(
    *, actor, observation: Observation, to_community: OrgUnit, reason: str
) -> Observation:
    """Ask another community to take the person over (they moved, or were placed there)."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    if to_community.level != Level.COMMUNITY:
        raise ValidationError({"to_community": [ERR_TRANSFER_LEVEL]})
    if obs.grid.path.startswith(to_community.path):
        raise ValidationError({"to_community": [ERR_TRANSFER_SAME]})
    if obs.transfer_to_id is not None:
        raise ValidationError(ERR_TRANSFER_PENDING % {"unit": obs.transfer_to})
    before = _snapshot(obs)
    obs.transfer_to = to_community
    obs.save(update_fields=["transfer_to", "updated_at"])
    _record_change(actor, "observation.transfer_request", obs, before, reason=reason)
    return obs


@transaction.atomic
def observation_transfer_accept(
    *, actor, observation: Observation, grid: OrgUnit, responsible=None
) -> Observation:
    """The receiving community takes over: the old observation ends as transferred, a new
    one continues the same period in the chosen grid. Both keep their history."""
    obs = _locked_active(observation)
    target = obs.transfer_to
    if target is None:
        raise ValidationError(ERR_NO_TRANSFER)
    require(actor, Perm.MANAGE_OBSERVATIONS, target)
    if grid.level != Level.GRID or not grid.path.startswith(target.path):
        raise ValidationError({"grid": [ERR_ACCEPT_GRID % {"unit": target}]})
    _check_responsible(responsible, grid)
    _set_status(actor, obs, ObservationStatus.TRANSFERRED, note=str(target))
    new = Observation.objects.create(
        person=obs.person,
        grid=grid,
        kind=obs.kind,
        reason=obs.reason,
        risk_area=obs.risk_area,
        arrival_date=obs.arrival_date,
        last_exposure_date=obs.last_exposure_date,
        reason_note=obs.reason_note,
        starts_on=obs.starts_on,
        period_days=obs.period_days,
        ends_on=obs.ends_on,
        responsible=responsible or grid_worker_of(grid),
        transferred_from=obs,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    _record(
        actor,
        "observation.transfer_accept",
        new,
        org_path=grid.path,
        changes={**_snapshot(new), "transferred_from": obs.pk},
    )
    return new


@transaction.atomic
def observation_transfer_cancel(*, actor, observation: Observation, reason: str) -> Observation:
    """Withdraw (sender) or decline (receiver) a pending transfer."""
    obs = _locked_active(observation)
    if obs.transfer_to_id is None:
        raise ValidationError(ERR_NO_TRANSFER)
    if not (
        can(actor, Perm.MANAGE_OBSERVATIONS, obs.grid)
        or can(actor, Perm.MANAGE_OBSERVATIONS, obs.transfer_to)
    ):
        require(actor, Perm.MANAGE_OBSERVATIONS, obs.grid)
    reason = clean_reason(reason)
    before = _snapshot(obs)
    obs.transfer_to = None
    obs.save(update_fields=["transfer_to", "updated_at"])
    _record_change(actor, "observation.transfer_cancel", obs, before, reason=reason)
    return obs


# ---------------------------------------------------------------- health reports

REPORT_FIELDS = ("temperature", *SYMPTOMS, "other_symptoms", "source", "reached")

# A report travels through ingest as a list of column values in this order (no model
# instances: building 500 of them costs more than inserting them).
_COLUMNS = tuple(f.attname for f in HealthReport._meta.concrete_fields)
_ID, _PERSON, _GRID, _OBSERVATION, _DATE, _SLOT = (
    _COLUMNS.index(n) for n in ("id", "person_id", "grid_id", "observation_id", "date", "slot")
)
_FIELDS = slice(_COLUMNS.index(REPORT_FIELDS[0]), _COLUMNS.index(REPORT_FIELDS[-1]) + 1)
_UUID, _OTHER, _RECORDED_BY, _RECORDED_AT = (
    _COLUMNS.index(n) for n in ("client_uuid", "other_uuids", "recorded_by_id", "recorded_at")
)
_OTHER_FIELD = HealthReport._meta.get_field("other_uuids")
INSERT_CHUNK = 1000
# Below this many rows one INSERT (a single round trip, its plan cached by the driver) is
# quicker than COPY; above it, COPY avoids the driver's slow handling of many placeholders.
COPY_FROM_ROWS = 2
assert _COLUMNS[_FIELDS] == REPORT_FIELDS  # noqa: S101 (the model and this module agree)


def _model(columns: list) -> HealthReport:
    return HealthReport.from_db(DEFAULT_DB_ALIAS, list(_COLUMNS), columns)


class ReportResult:
    """One row's outcome: created / updated / unchanged / error.

    ``report`` is the saved HealthReport, built on first access; ``report_id`` costs
    nothing."""

    __slots__ = ("_columns", "_report", "errors", "index", "result")

    def __init__(
        self,
        index: int,
        result: str,
        report: HealthReport | None = None,
        errors: dict[str, list[str]] | None = None,
        *,
        columns: list | None = None,
    ):
        self.index, self.result = index, result
        self.errors = errors if errors is not None else {}
        self._report, self._columns = report, columns

    @property
    def report_id(self) -> int | None:
        if self._columns is not None:
            return self._columns[_ID]
        return self._report.pk if self._report is not None else None

    @property
    def report(self) -> HealthReport | None:
        if self._report is None and self._columns is not None:
            self._report = _model(self._columns)
        return self._report

    def __repr__(self) -> str:
        return f"ReportResult({self.index}, {self.result!r}, id={self.report_id})"


def _report_errors(row: Mapping[str, Any], day: datetime.date, sources) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(row.get("person"), int):
        errors["person"] = [str(ERR_PERSON_UNKNOWN)]
    if not isinstance(row.get("client_uuid"), uuid.UUID):
        errors["client_uuid"] = [str(ERR_CLIENT_UUID)]
    date = row.get("date")
    if not isinstance(date, datetime.date):
        errors["date"] = [str(ERR_DATE_REQUIRED)]
    elif date > day:
        errors["date"] = [str(ERR_DATE_FUTURE)]
    elif (day - date).days >= REPORT_BACKFILL_DAYS:
        errors["date"] = [str(ERR_REPORT_DATE_OLD % {"days": REPORT_BACKFILL_DAYS})]
    if row.get("slot") not in SLOTS:
        errors["slot"] = [str(ERR_SLOT)]
    temperature = row.get("temperature")
    if temperature is not None and not MIN_TEMPERATURE <= Decimal(temperature) <= MAX_TEMPERATURE:
        errors["temperature"] = [str(ERR_TEMPERATURE_RANGE)]
    source = row.get("source")
    if source not in sources:
        errors["source"] = [str(ERR_SOURCE)]
    reached = row.get("reached")
    if reached is not None and source not in WORKER_SOURCES:
        errors["reached"] = [str(ERR_REACHED_WORKER_ONLY)]
    if reached is False and (
        temperature is not None or any(row.get(s) for s in SYMPTOMS) or row.get("other_symptoms")
    ):
        errors["reached"] = [str(ERR_NOT_REACHED_DETAILS)]
    return errors


_TENTH = Decimal("0.1")


def _report_fields(row: Mapping[str, Any]) -> tuple:
    """The REPORT_FIELDS values of a checked row, in order."""
    temperature = row.get("temperature")
    if temperature is not None:
        temperature = Decimal(temperature).quantize(_TENTH)
    other = row.get("other_symptoms") or ""
    source = row["source"]
    reached = row.get("reached")
    if reached is None and source in WORKER_SOURCES:
        reached = True
    return (
        temperature,
        *(bool(row.get(name)) for name in SYMPTOMS),
        clean_line(other)[:200] if other else "",
        str(source),
        reached,
    )


def _common_path(paths: list[str]) -> str:
    prefix = os.path.commonprefix(paths) if paths else ""
    return prefix[: len(prefix) - len(prefix) % OrgUnit.steplen]


def _reporting_persons(actor, link, person_ids) -> dict[int, tuple]:
    """pk -> (status, grid id, grid path, name, active observation id) of the persons the
    actor (or the link) may report for, in one query."""
    if link is not None:
        allowed = link.subjects.all()
    else:
        allowed = Person.objects.filter(scope_q(actor, Perm.RECORD_HEALTH_REPORTS, "grid__path"))
    # The observation ending last, when several kinds are active.
    active = Observation.objects.filter(
        person=OuterRef("pk"), status=ObservationStatus.ACTIVE
    ).order_by("-ends_on", "-id")
    rows = (
        allowed.filter(in_values("pk", person_ids, "bigint"))
        .annotate(active_observation=Subquery(active.values("id")[:1]))
        .values_list("id", "status", "grid_id", "grid__path", "name", "active_observation")
    )
    return {row[0]: row[1:] for row in rows}


def _insert(reports: list[list]) -> None:
    """Write new reports and fill in their ids: ids drawn from the sequence and rows
    streamed with COPY on PostgreSQL, a multi-row INSERT ... RETURNING for a few rows and
    elsewhere."""
    if not reports:
        return
    if connection.vendor == "postgresql" and len(reports) > COPY_FROM_ROWS:
        _copy(reports)
        return
    table = connection.ops.quote_name(HealthReport._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS[1:])
    placeholders = "(" + ", ".join(["%s"] * (len(_COLUMNS) - 1)) + ")"
    returning = connection.ops.quote_name("id")
    native_uuid = connection.features.has_native_uuid_field
    for start in range(0, len(reports), INSERT_CHUNK):
        chunk = reports[start : start + INSERT_CHUNK]
        params: list[Any] = []
        for report in chunk:
            values = report[1:]
            if not native_uuid:
                values[_UUID - 1] = report[_UUID].hex
            values[_OTHER - 1] = _OTHER_FIELD.get_db_prep_value(report[_OTHER], connection)
            values[_RECORDED_AT - 1] = connection.ops.adapt_datetimefield_value(
                report[_RECORDED_AT]
            )
            params += values
        rows_sql = ", ".join([placeholders] * len(chunk))
        # Only quoted names from the model's metadata are interpolated; values are params.
        sql = f"INSERT INTO {table} ({columns}) VALUES {rows_sql} RETURNING {returning}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        for report, pk in zip(chunk, ids, strict=True):
            report[_ID] = pk


# What an existing report can have replaced: its values, the client UUIDs sent for its
# slot and who recorded it when; found by its primary key and day (its partition).
_KEY = ("id", "date")
_UPDATED = (*REPORT_FIELDS, "other_uuids", "recorded_by_id", "recorded_at")


def _update(reports: list[list]) -> None:
    update_rows(
        HealthReport,
        _KEY,
        _UPDATED,
        [[r[_POSITION[a]] for a in (*_KEY, *_UPDATED)] for r in reports],
    )


def _copy(reports: list[list]) -> None:
    for report, pk in zip(reports, next_ids(HealthReport, len(reports)), strict=True):
        report[_ID] = pk
    rows = []
    for report in reports:
        row = list(report)
        row[_OTHER] = _OTHER_FIELD.get_db_prep_value(report[_OTHER], connection)
        rows.append(row)
    copy_rows(HealthReport, _COLUMNS, rows)


_POSITION = {name: i for i, name in enumerate(_COLUMNS)}
_SYMPTOM_POSITIONS = tuple((name, _POSITION[name]) for name in SYMPTOMS)


class _ReportView:
    """What the alert rules read from a saved report, without building the model."""

    __slots__ = ("_c", "_person")

    def __init__(self, columns: list):
        self._c = columns
        self._person: Person | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self._c[_POSITION[name]]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def symptoms(self) -> list[str]:
        return [name for name, i in _SYMPTOM_POSITIONS if self._c[i]]

    @property
    def observation(self) -> Observation | None:
        pk = self._c[_OBSERVATION]
        return (
            Observation.objects.select_related("responsible").filter(pk=pk).first() if pk else None
        )

    @property
    def person(self) -> Person:
        if self._person is None:
            self._person = Person.objects.select_related("grid").get(pk=self._c[_PERSON])
        return self._person


def _applied(report: list, client_uuid: uuid.UUID) -> bool:
    """Whether the report's slot has already been sent this client UUID."""
    return client_uuid == report[_UUID] or str(client_uuid) in report[_OTHER]


def _remember(report: list, client_uuids: list[uuid.UUID]) -> bool:
    """Add the client UUIDs the slot has not been sent yet to the report's other ones;
    whether there were any."""
    new = [str(u) for u in dict.fromkeys(client_uuids) if not _applied(report, u)]
    if new:
        report[_OTHER] = [*report[_OTHER], *new]
    return bool(new)


def _ingest_once(*, actor, rows, link, day, now) -> list[ReportResult]:
    sources = SELF_SOURCES if link is not None else SOURCES
    results: list[ReportResult | None] = [None] * len(rows)
    clean: dict[int, tuple] = {}  # index -> (person, date, slot, client_uuid, fields)
    for index, row in enumerate(rows):
        errors = _report_errors(row, day, sources)
        if errors:
            results[index] = ReportResult(index, "error", errors=errors)
        else:
            fields = _report_fields(row)
            key = (row["person"], row["date"], str(row["slot"]))
            clean[index] = (*key, row["client_uuid"], fields)

    persons = _reporting_persons(actor, link, {v[0] for v in clean.values()})
    # Several rows for one slot: the last one decides, the others share its result (so
    # that replaying the batch finds every row unchanged).
    deciding: dict[tuple, int] = {}
    for index, (person_id, date, slot, _uuid, _fields) in clean.items():
        person = persons.get(person_id)
        if person is None:
            results[index] = ReportResult(
                index, "error", errors={"person": [str(ERR_PERSON_UNKNOWN)]}
            )
        elif person[0] != Status.RESIDENT:
            results[index] = ReportResult(
                index, "error", errors={"person": [str(ERR_PERSON_NOT_RESIDENT)]}
            )
        else:
            deciding[(person_id, date, slot)] = index

    by_uuid: dict[uuid.UUID, list] = {}
    by_slot: dict[tuple, list] = {}
    if deciding:
        dates = {key[1] for key in deciding}
        uuids = {v[3] for v in clean.values() if v[:3] in deciding}
        # Two index lookups (by client UUID, by person and slot), not one filter with OR,
        # which reads every report of the day.
        on_days = HealthReport.objects.filter(date__in=dates)
        by_client = on_days.filter(in_values("client_uuid", uuids, "uuid"))
        by_person = on_days.filter(in_values("person_id", {k[0] for k in deciding}, "bigint"))
        found = by_client.values_list(*_COLUMNS).union(by_person.values_list(*_COLUMNS), all=True)
        for values in found:
            report = list(values)
            by_uuid[report[_UUID]] = report
            by_slot[(report[_PERSON], report[_DATE], report[_SLOT])] = report

    # Every client UUID sent for a slot in this batch: the slot remembers them all, so
    # that sending any of them again (even one superseded in this batch) changes nothing.
    # The first one stays the report's client_uuid, so a UUID never moves between reports.
    sent: dict[tuple, list[uuid.UUID]] = {}
    for person_id, date, slot, client_uuid, _fields in clean.values():
        key = (person_id, date, slot)
        if key in deciding:
            sent.setdefault(key, []).append(client_uuid)

    actor_id = actor.pk if actor is not None else None
    to_create: list[list] = []
    to_update: dict[int, list] = {}  # new values (and client UUIDs)
    to_remember: dict[int, list] = {}  # the same values, more client UUIDs
    for index, (person_id, date, slot, client_uuid, fields) in clean.items():
        key = (person_id, date, slot)
        if deciding.get(key) != index:
            continue
        there = by_slot.get(key)
        seen = there if there is not None and _applied(there, client_uuid) else None
        if seen is None:
            seen = by_uuid.get(client_uuid)
        if seen is not None:
            results[index] = ReportResult(index, "unchanged", columns=seen)
        elif there is not None:
            if tuple(there[_FIELDS]) == fields:
                results[index] = ReportResult(index, "unchanged", columns=there)
            else:
                there[_FIELDS] = fields
                there[_RECORDED_BY], there[_RECORDED_AT] = actor_id, now
                to_update[there[_ID]] = there
                results[index] = ReportResult(index, "updated", columns=there)
        else:
            person = persons[person_id]
            report = [None, person_id, person[1], person[4], date, slot, *fields]
            report += [client_uuid, [], actor_id, now]
            by_slot[key] = by_uuid[client_uuid] = report
            to_create.append(report)
            results[index] = ReportResult(index, "created", columns=report)
        there = by_slot.get(key)
        # Not a client UUID that belongs to another slot's report (a client's mistake):
        # sent again, it must find that report again.
        if there is None or not _remember(
            there, [u for u in sent[key] if by_uuid.get(u, there) is there]
        ):
            continue
        if there[_ID] is not None and there[_ID] not in to_update:  # not new, not changed
            to_remember[there[_ID]] = there
    for index, (person_id, date, slot, _uuid, _fields) in clean.items():
        decided = deciding.get((person_id, date, slot))
        if decided is not None and decided != index:
            same = results[decided]
            assert same is not None  # noqa: S101 (every deciding row has its result)
            results[index] = ReportResult(index, same.result, columns=same._columns)

    ensure_day_partitions(HealthReport, {r[_DATE] for r in to_create})
    changed = [*to_create, *to_update.values()]
    saved = [*to_update.values(), *to_remember.values()]
    if changed or saved:
        with transaction.atomic():
            _insert(to_create)
            _update(saved)
            # Only client UUIDs learnt (the same values sent again): no alert, no audit.
            if changed:
                alerts_raise_for_reports([_ReportView(r) for r in changed])
                counts = dict.fromkeys(("created", "updated", "unchanged", "error"), 0)
                for result in results:
                    if result is not None:
                        counts[result.result] += 1
                target: dict[str, str] = {}
                if len(changed) == 1:
                    person_id = changed[0][_PERSON]
                    target = {
                        "target_type": Person._meta.label_lower,
                        "target_id": str(person_id),
                        "target_label": str(persons[person_id][3])[:200],
                    }
                audit_events_record_many(
                    actor=actor,
                    actor_label=None if actor is not None else f"self-report link {link.pk}",
                    events=[
                        {
                            "action": "health_reports.ingest",
                            "org_path": _common_path([p[2] for p in persons.values()]),
                            "changes": counts,
                            **target,
                        }
                    ],
                )
    return [r for r in results if r is not None]


def health_reports_ingest(
    *, actor, rows: Sequence[Mapping[str, Any]], link: ReportLink | None = None
) -> list[ReportResult]:
    """Record many health reports; each row gets its own result and good rows are kept.

    A row: person (id), date, slot, temperature, symptom flags, other_symptoms, source,
    reached, client_uuid. A replayed client UUID changes nothing, even when the slot's
    values have since been replaced: a slot remembers every client UUID sent for it. A new
    report for a slot that already has one replaces its values (within one batch, the last
    row for a slot decides and the others share its result). ``link``: a self-report
    through a personal link (no user), limited to the link's persons.

    The fast path: one query for the persons (with their active observation), one for
    the reports already there, one multi-row INSERT, one audit event per batch."""
    day, now = today(), timezone.now()
    try:
        return _ingest_once(actor=actor, rows=rows, link=link, day=day, now=now)
    except IntegrityError:
        # Another request wrote one of these slots meanwhile: read again, decide again.
        return _ingest_once(actor=actor, rows=rows, link=link, day=day, now=now)


def health_report_record(*, actor, link: ReportLink | None = None, **row: Any) -> ReportResult:
    """One report (a worker's tap, a self-report): raises ValidationError on a bad row."""
    (result,) = health_reports_ingest(actor=actor, rows=[row], link=link)
    if result.result == "error":
        raise ValidationError(result.errors)
    return result
