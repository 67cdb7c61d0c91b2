"""Ledgers of key persons as .xlsx, laid out like the resident register (title row with
the unit and date, bold header, widths, frozen header, ID and phone columns as text):

- the key-person ledger (重点人员台账): one row per observation in a community or grid;
- the daily follow-up sheet (随访记录表): one row per person observed on a date, with the
  morning and afternoon checks.

The export rules are the register's (``ledgers.export_services.export_allowed``): masked
unless the actor may export sensitive data and gives a reason; every export audited."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Field, IntegerField, Q, QuerySet, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.audit.services import audit_event_record
from shoumen.ledgers import exports
from shoumen.ledgers.export_services import export_allowed
from shoumen.lib.dates import today
from shoumen.lib.phones import national_digits
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
from shoumen.observation.selectors import observations_visible_to
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Sex

KEY_PERSONS = "key_persons"
FOLLOW_UP = "follow_up"
LEDGERS = (KEY_PERSONS, FOLLOW_UP)

KEY_PERSONS_TITLE = _("%(unit)s key-person ledger (%(date)s)")
FOLLOW_UP_TITLE = _("%(unit)s daily follow-up sheet (%(date)s)")
KEY_PERSONS_FILENAME = _("%(unit)s key-person ledger %(date)s")
FOLLOW_UP_FILENAME = _("%(unit)s follow-up sheet %(date)s")
KEY_PERSONS_SHEET = _("Key persons")
FOLLOW_UP_SHEET = _("Follow-up")
ERR_LEDGER = _("Choose the key-person ledger or the follow-up sheet.")
ERR_DAY_FUTURE = _("The follow-up sheet is for today or an earlier day.")
SYMPTOM_SEPARATOR = "、"
YES, NO = _("Yes"), _("No")

LEDGER_FIELDS = (
    "kind",
    "reason",
    "risk_area",
    "arrival_date",
    "starts_on",
    "ends_on",
    "status",
    "person__name",
    "person__sex",
    "person__birth_date",
    "person__id_number_encrypted",
    "person__phone_encrypted",
    "person__household__address",
    "person__household__unit",
    "person__household__door_number",
    "person__household__building__name",
    "grid__name",
    "responsible__username",
    "responsible__display_name",
)


@dataclass(frozen=True)
class Ctx:
    number: int
    day: datetime.date
    unmasked: bool
    labels: dict[str, dict[str, str]]
    reports: dict[tuple[int, str], HealthReport]


def _labels() -> dict[str, dict[str, str]]:
    def table(choices):
        return {value: str(label) for value, label in choices}

    return {
        "kind": table(Kind.choices),
        "reason": table(Reason.choices),
        "status": table(ObservationStatus.choices),
        "sex": table(Sex.choices),
        "source": table(Source.choices),
        "symptom": {
            name: str(cast(Field, HealthReport._meta.get_field(name)).verbose_name)
            for name in SYMPTOMS
        },
    }


def _p(o: Observation) -> Person:
    assert o.person is not None  # the ledgers leave out anonymised observations
    return o.person


def _id(o: Observation, ctx: Ctx) -> str:
    return _p(o).id_number() if ctx.unmasked else _p(o).id_number_masked


def _phone(o: Observation, ctx: Ctx) -> str:
    if not ctx.unmasked:
        return _p(o).phone_masked
    phone = _p(o).phone()
    return national_digits(phone) if phone else ""


def _age(o: Observation, ctx: Ctx) -> int | str:
    age = _p(o).age  # today's, as pages show it: ages on two days narrow the birth date
    return "" if age is None else age


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _report(o: Observation, ctx: Ctx, slot: str) -> HealthReport | None:
    return ctx.reports.get((o.person_id or 0, slot))


def _temperature(slot: str):
    def value(o: Observation, ctx: Ctx) -> object:
        r = _report(o, ctx, slot)
        return "" if r is None or r.temperature is None else float(r.temperature)

    return value


def _symptoms(o: Observation, ctx: Ctx) -> str:
    found: list[str] = []
    for slot in Slot.values:
        r = _report(o, ctx, slot)
        if r is None:
            continue
        for name in r.symptoms:
            label = ctx.labels["symptom"][name]
            if label not in found:
                found.append(label)
        if r.other_symptoms and r.other_symptoms not in found:
            found.append(r.other_symptoms)
    return SYMPTOM_SEPARATOR.join(found)


def _sources(o: Observation, ctx: Ctx) -> str:
    seen = []
    for slot in Slot.values:
        r = _report(o, ctx, slot)
        if r is not None and ctx.labels["source"][r.source] not in seen:
            seen.append(ctx.labels["source"][r.source])
    return SYMPTOM_SEPARATOR.join(seen)


def _reached(o: Observation, ctx: Ctx) -> str:
    reached = [r.reached for s in Slot.values if (r := _report(o, ctx, s)) is not None]
    if not reached:
        return ""
    return str(NO if all(r is False for r in reached) else YES)


def _address(o: Observation, ctx: Ctx) -> str:
    return _p(o).household.label


def _responsible(o: Observation, ctx: Ctx) -> str:
    return str(o.responsible) if o.responsible_id else ""


Column = exports.Column
PERSON_COLUMNS: tuple[exports.Column, ...] = (
    Column(_("No."), 6, lambda o, ctx: ctx.number),
    Column(_("Name"), 10, lambda o, ctx: o.person.name),
    Column(_("Sex"), 6, lambda o, ctx: ctx.labels["sex"].get(o.person.sex, "")),
    Column(_("Age"), 6, _age),
    Column(_("Document number"), 22, _id, text=True),
    Column(_("Phone"), 15, _phone, text=True),
    Column(_("Address"), 22, _address),
)
KEY_PERSON_COLUMNS = (
    *PERSON_COLUMNS,
    Column(_("Kind"), 14, lambda o, ctx: ctx.labels["kind"][o.kind]),
    Column(_("Reason"), 14, lambda o, ctx: ctx.labels["reason"][o.reason]),
    Column(_("Risk area"), 16, lambda o, ctx: o.risk_area),
    Column(_("Arrival date"), 12, lambda o, ctx: _iso(o.arrival_date)),
    Column(_("Counted from"), 12, lambda o, ctx: _iso(o.starts_on)),
    Column(_("Ends on"), 12, lambda o, ctx: _iso(o.ends_on)),
    Column(_("Status"), 10, lambda o, ctx: ctx.labels["status"][o.status]),
    Column(_("Responsible worker"), 12, _responsible),
)
FOLLOW_UP_COLUMNS = (
    *PERSON_COLUMNS,
    Column(_("Kind"), 14, lambda o, ctx: ctx.labels["kind"][o.kind]),
    # The sheet's day as a date (the 日期 column); the day of the period beside it.
    Column(_("Date"), 12, lambda o, ctx: _iso(ctx.day)),
    Column(_("Day of the period"), 8, lambda o, ctx: o.day_number(ctx.day)),
    Column(_("Morning (°C)"), 10, _temperature(Slot.MORNING)),
    Column(_("Afternoon (°C)"), 10, _temperature(Slot.AFTERNOON)),
    Column(_("Symptoms"), 18, _symptoms),
    Column(_("Source"), 14, _sources),
    Column(_("Reached"), 8, _reached),
    Column(_("Responsible worker"), 12, _responsible),
)


def _observations(actor, unit: OrgUnit) -> QuerySet[Observation]:
    return (
        observations_visible_to(actor, Perm.EXPORT)
        .filter(grid__path__startswith=unit.path, person__isnull=False)
        .select_related("person__household__building", "grid", "responsible")
        .only(*LEDGER_FIELDS, "person__household", "person__household__building")
    )


def key_person_observations(actor, unit: OrgUnit) -> QuerySet[Observation]:
    """Every observation of the unit still holding personal details: active first, then
    the most recent."""
    active_first = Case(
        When(status=ObservationStatus.ACTIVE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _observations(actor, unit).order_by(
        "grid__path", active_first, "-starts_on", "person__name", "pk"
    )


def follow_up_observations(actor, unit: OrgUnit, day: datetime.date) -> QuerySet[Observation]:
    """Observations running on ``day``: started by then, and still active or ended after."""
    running = Q(status=ObservationStatus.ACTIVE) | Q(status_changed_at__date__gte=day)
    return (
        _observations(actor, unit)
        .filter(running, starts_on__lte=day)
        .order_by("grid__path", "person__name", "pk")
    )


def _rows(observations: Iterable[Observation], columns, ctx_for) -> Iterable[list[object]]:
    for number, o in enumerate(observations, start=1):
        ctx = ctx_for(number)
        yield [c.value(o, ctx) for c in columns]


@dataclass(frozen=True)
class LedgerFile:
    content: bytes
    filename: str
    rows: int
    content_type: str = exports.XLSX_CONTENT_TYPE


@transaction.atomic
def observation_ledger_export(
    *,
    actor,
    org_unit: OrgUnit,
    ledger: str,
    day: datetime.date | None = None,
    unmasked: bool = False,
    reason: str = "",
) -> LedgerFile:
    """The key-person ledger or the follow-up sheet of ``org_unit`` as .xlsx; audited."""
    if ledger not in LEDGERS:
        raise ValidationError({"ledger": [ERR_LEDGER]})
    reason = export_allowed(actor=actor, org_unit=org_unit, unmasked=unmasked, reason=reason)
    current = today()
    day = day or current
    if day > current:
        raise ValidationError({"day": [ERR_DAY_FUTURE]})
    labels = _labels()
    if ledger == KEY_PERSONS:
        observations = list(key_person_observations(actor, org_unit))
        reports: dict[tuple[int, str], HealthReport] = {}
        columns, title, filename, sheet = (
            KEY_PERSON_COLUMNS,
            KEY_PERSONS_TITLE,
            KEY_PERSONS_FILENAME,
            KEY_PERSONS_SHEET,
        )
    else:
        observations = list(follow_up_observations(actor, org_unit, day))
        reports = {
            (r.person_id, r.slot): r
            for r in HealthReport.objects.filter(
                date=day, person_id__in={o.person_id for o in observations}
            )
        }
        columns, title, filename, sheet = (
            FOLLOW_UP_COLUMNS,
            FOLLOW_UP_TITLE,
            FOLLOW_UP_FILENAME,
            FOLLOW_UP_SHEET,
        )

    def ctx_for(number: int) -> Ctx:
        return Ctx(number=number, day=day, unmasked=unmasked, labels=labels, reports=reports)

    heading = str(title % {"unit": org_unit.name, "date": date_format(day)})
    content = exports.write_xlsx(
        heading, _rows(observations, columns, ctx_for), columns=columns, sheet_title=sheet
    )
    audit_event_record(
        actor=actor,
        action="ledger.export",
        target=org_unit,
        org_path=org_unit.path,
        changes={
            "ledger": ledger,
            "date": day.isoformat(),
            "format": "xlsx",
            "rows": len(observations),
            "masked": not unmasked,
        },
        reason=reason,
    )
    name = filename % {"unit": org_unit.name, "date": day.strftime("%Y%m%d")}
    return LedgerFile(content=content, filename=f"{name}.xlsx", rows=len(observations))
