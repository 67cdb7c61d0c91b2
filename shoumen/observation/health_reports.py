"""Health reports (健康打卡 and follow-ups): one or many at a time, self-reported through a
link or recorded by a worker, each kept once by its client UUID, raising alerts."""

import datetime
import os
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.alerts.services import alerts_raise_for_reports
from shoumen.audit.services import audit_events_record_many
from shoumen.lib.bulk import copy_rows, next_ids, update_rows
from shoumen.lib.dates import today
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.lib.rawsql import in_values
from shoumen.lib.text import clean_line
from shoumen.observation.models import (
    SYMPTOMS,
    WORKER_SOURCES,
    HealthReport,
    Observation,
    ObservationStatus,
    ReportLink,
    Slot,
    Source,
)
from shoumen.observation.services import ERR_DATE_FUTURE, ERR_PERSON_UNKNOWN
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status

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
    # In one order of the unique key, so that two batches over the same slots wait for
    # each other instead of deadlocking on the index.
    key = itemgetter(_POSITION["person_id"], _POSITION["date"], _POSITION["slot"])
    reports = sorted(reports, key=key)
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


# Batches over the same slots sent at once: each conflict means another batch wrote first,
# so reading again decides more of the slots; eight at once settle within a few tries.
INGEST_ATTEMPTS = 4


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
    for _attempt in range(INGEST_ATTEMPTS - 1):
        try:
            return _ingest_once(actor=actor, rows=rows, link=link, day=day, now=now)
        except IntegrityError:
            # Another request wrote one of these slots meanwhile: read again, decide again.
            continue
    return _ingest_once(actor=actor, rows=rows, link=link, day=day, now=now)


def health_report_record(*, actor, link: ReportLink | None = None, **row: Any) -> ReportResult:
    """One report (a worker's tap, a self-report): raises ValidationError on a bad row."""
    (result,) = health_reports_ingest(actor=actor, rows=[row], link=link)
    if result.result == "error":
        raise ValidationError(result.errors)
    return result
