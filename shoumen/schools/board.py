"""The schools board of a school, a street or a district: the illness-absence rate by school
(or class) and day, the week's cases by symptom, and completeness and timeliness of the
daily reports. Aggregated in SQL over indexed columns: a fixed number of queries whatever
the number of schools."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import top_units_of
from shoumen.schools.models import ClassCheck, FindingKind, School, SchoolClass, Session
from shoumen.schools.rates import Rates, reporting_rates
from shoumen.schools.selectors import schools_visible_to
from shoumen.schools.symptoms import watched_symptoms

BOARD_LEVELS = (Level.DISTRICT, Level.STREET, Level.SCHOOL)
BOARD_DAYS = 7
RATE_NOTE = _("Illness-absence rate: absent person-days ÷ (pupils checked × school days).")


class NoBoard(ObjectDoesNotExist):
    """No board for this user here: out of scope, or not a district, street or school."""


def board_units_of(user) -> list[OrgUnit]:
    """The units whose schools board is the user's: the top of their schools scope."""
    return [u for u in top_units_of(user, Perm.VIEW_SCHOOLS) if u.level in BOARD_LEVELS]


def board_unit_for(user, pk: int | None) -> OrgUnit:
    """The unit ``pk`` when the user sees schools there, or their own board's unit."""
    if pk is None:
        units = board_units_of(user)
        if not units:
            raise NoBoard
        return units[0]
    unit = OrgUnit.objects.filter(pk=pk, level__in=BOARD_LEVELS).first()
    if unit is None or not covers(user, Perm.VIEW_SCHOOLS, unit.path):
        raise NoBoard
    return unit


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Row:
    """One school (or class) over the board's days: its rate per day and for the week."""

    name: str
    unit: OrgUnit | None
    cells: list[float | None]
    absent: int
    checked: int

    @property
    def rate(self) -> float | None:
        return percent(self.absent, self.checked)

    @property
    def texts(self) -> list[str]:
        """Each day's rate and the week's as the table shows them ("—": no check)."""
        return [_text(v) for v in (*self.cells, self.rate)]


def _text(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class Board:
    unit: OrgUnit
    day: datetime.date
    days: list[datetime.date]
    rows: list[Row]
    totals: list[float | None]
    total: Row
    children: list[OrgUnit]
    symptoms: list[tuple[str, str, int]]
    rates: Rates

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw (the tables below them say the same)."""
        return {
            "days": [d.strftime("%m-%d") for d in self.days],
            "absence": self.totals,
            "symptoms": [[label, n] for _code, label, n in self.symptoms],
            "actual": [r.actual for _d, r in self.rates.days],
            "on_time": [r.on_time for _d, r in self.rates.days],
            "expected": [r.expected for _d, r in self.rates.days],
        }


def board_for(user, unit: OrgUnit, *, day: datetime.date) -> Board:
    start = day - datetime.timedelta(days=BOARD_DAYS - 1)
    days = [start + datetime.timedelta(days=i) for i in range(BOARD_DAYS)]
    schools = list(
        schools_visible_to(user)
        .filter(unit__path__startswith=unit.path)
        .order_by("unit__path")
        .only("pk", "unit__id", "unit__name", "unit__path", "unit__level")
    )
    ids = [s.pk for s in schools]
    if unit.level == Level.SCHOOL:
        key, names = "klass_id", _class_names(ids)
    else:
        key, names = "school_id", {s.pk: (s.unit.name, s.unit) for s in schools}
    # The morning check counts a day's absences: one person-day per pupil absent sick.
    sums = (
        ClassCheck.objects.filter(
            school_id__in=ids, date__gte=start, date__lte=day, session=Session.MORNING
        )
        .values(key, "date")
        .annotate(absent=Sum("sick_absent"), checked=Sum("enrolled"))
        .order_by()
    )
    cells: dict[int, dict[datetime.date, tuple[int, int]]] = {}
    for row in sums:
        cells.setdefault(row[key], {})[row["date"]] = (row["absent"], row["checked"])
    rows = [_row(names[pk], cells.get(pk, {}), days) for pk in names]
    rows.sort(key=lambda r: (-(r.rate or 0), r.name))
    by_day = [
        (
            sum(c.get(d, (0, 0))[0] for c in cells.values()),
            sum(c.get(d, (0, 0))[1] for c in cells.values()),
        )
        for d in days
    ]
    total = Row(
        str(_("Total")),
        None,
        [percent(a, c) for a, c in by_day],
        sum(a for a, _c in by_day),
        sum(c for _a, c in by_day),
    )
    return Board(
        unit=unit,
        day=day,
        days=days,
        rows=rows,
        totals=total.cells,
        total=total,
        children=_children(unit, schools),
        symptoms=_symptoms(ids, start, day),
        rates=reporting_rates(actor=user, unit=unit, start=start, end=day),
    )


def _row(name_unit, by_date, days) -> Row:
    name, unit = name_unit
    absent = sum(a for a, _c in by_date.values())
    checked = sum(c for _a, c in by_date.values())
    return Row(
        name, unit, [percent(*by_date[d]) if d in by_date else None for d in days], absent, checked
    )


def _class_names(school_ids) -> dict[int, tuple[str, OrgUnit | None]]:
    classes = SchoolClass.objects.filter(school_id__in=school_ids).select_related("unit")
    return {k.pk: (k.unit.name, None) for k in classes.order_by("grade", "unit__name")}


def _children(unit: OrgUnit, schools: list[School]) -> list[OrgUnit]:
    """The units one level down to drill into: streets of a district, schools of a street."""
    if unit.level == Level.STREET:
        return [s.unit for s in schools]
    if unit.level != Level.DISTRICT:
        return []
    paths = {s.unit.path[: unit.steplen * (unit.depth + 1)] for s in schools}
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path"))


_SYMPTOMS_SQL = {
    "postgresql": (
        "SELECT s.code, COUNT(DISTINCT f.pupil_id) FROM schools_finding f"
        " CROSS JOIN LATERAL jsonb_array_elements_text(f.symptoms) AS s(code)"
        " WHERE f.school_id = ANY(%s) AND f.date >= %s AND f.date <= %s AND f.kind IN (%s, %s)"
        " GROUP BY s.code"
    ),
    "sqlite": (
        "SELECT s.value, COUNT(DISTINCT f.pupil_id) FROM schools_finding f, json_each(f.symptoms) s"
        " WHERE f.school_id IN (SELECT value FROM json_each(%s)) AND f.date >= %s"
        " AND f.date <= %s AND f.kind IN (%s, %s) GROUP BY s.value"
    ),
}


def _symptoms(school_ids, start, day) -> list[tuple[str, str, int]]:
    """Pupils absent sick or present with each symptom over the days (one pupil counts once
    per symptom), counted in SQL over the (school, date) index."""
    if not school_ids:
        return []
    ids = list(school_ids) if connection.vendor == "postgresql" else json.dumps(list(school_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner guesses 100 symptoms a finding and compiles the query (JIT): the
            # compiling took longer than the counting.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            _SYMPTOMS_SQL[connection.vendor],
            [ids, start, day, FindingKind.SICK.value, FindingKind.SYMPTOMATIC.value],
        )
        counts = dict(cursor.fetchall())
    labels = watched_symptoms()
    order = list(labels)
    ranked = sorted(counts, key=lambda c: (-counts[c], order.index(c) if c in order else 99))
    return [(code, str(labels.get(code, code)), counts[code]) for code in ranked]
