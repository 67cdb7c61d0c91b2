"""The trends board of a community, street or district: every figure the actor sees for the
units directly under it over 7, 14 or 30 days, and six charts over the same days (the
epidemic curve, persons under observation, follow-up completion, alerts, screening, and the
daily reports' reporting rate), each with its table.

Read only from the stored daily figures (``figures_of``: past days stored, today live and
cached) and the daily reports (``unit_report_rates``), never from a module's own tables: a
fixed number of queries whatever the number of units and days.

Stocks and flows: a stock (``Metric.stock``) is what stands at the end of a day (persons
under observation, households still to visit, alerts overdue); over a period the board shows
the last day's value. Every other metric is a flow (what happened that day), summed over the
period."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext, pgettext

from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.metrics import Metric
from shoumen.lib.rates import Rate, days_between
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.daily_text import UNIT_WORDS
from shoumen.reports.rates import UnitRates, unit_report_rates
from shoumen.reports.selectors import (
    SCHOOL_PERMS,
    figures_of,
    may_see_figures,
    metrics_visible_to,
    sees_figures_at,
)

BOARD_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT)
PERIODS = (7, 14, 30)
DEFAULT_DAYS = 7

# The units that hold a metric, by the level it is computed for: a grid's figures add up in
# its community, street and district; a community's (checkpoints) in its street and
# district; a school's in its street and district. Elsewhere the metric has no value ("—").
HOLDERS: dict[str, frozenset[str]] = {
    Level.GRID: frozenset({Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT}),
    Level.COMMUNITY: frozenset({Level.COMMUNITY, Level.STREET, Level.DISTRICT}),
    Level.SCHOOL: frozenset({Level.SCHOOL, Level.STREET, Level.DISTRICT}),
}

FEVER = "alerts.fever_reports"
ILI = "alerts.ili_reports"
UNDER_PREFIX = "observation.under_"
FOLLOW_UPS_DUE = "observation.follow_ups_due"
FOLLOW_UPS_DONE = "observation.follow_ups_done"
OPENED = "alerts.opened"
RESOLVED = "alerts.resolved"
OVERDUE = "alerts.overdue"
VISITED = "screening.households_visited"
HOUSEHOLDS_DUE = "screening.households_due"

NO_VALUE = "—"


class NoBoard(ObjectDoesNotExist):
    """No trends board here for this actor: out of scope, or not a grid, community, street
    or district."""


def period_days(raw: str | None) -> int:
    """The period asked for in ``?days=``: 7, 14 or 30; anything else is the default."""
    try:
        days = int(raw or "")
    except ValueError:
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def board_unit_for(actor, pk: int) -> OrgUnit:
    """The grid, community, street or district ``pk`` when the actor sees figures there (the rule
    of ``figures_of``). PermissionDenied for one who sees figures nowhere, NoBoard else."""
    if not may_see_figures(actor):
        raise deny()
    unit = OrgUnit.objects.filter(pk=pk, level__in=BOARD_LEVELS).first()
    if unit is None or not sees_figures_at(actor, unit.path, SCHOOL_PERMS):
        raise NoBoard
    return unit


def number(value: float | None) -> int | float | None:
    """A figure as it shows: whole numbers without a decimal point."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Column:
    """A unit directly under the board's unit: a column of the figures table."""

    unit: OrgUnit
    has_board: bool  # a board the actor may open: not for a school


@dataclass
class MetricRow:
    """One metric over the period: each sub-unit's value (None where the unit cannot hold
    it) and the total, summed over the days for a flow, the last day's for a stock."""

    metric: Metric
    stock: bool
    cells: list[int | float | None]
    total: int | float

    @property
    def texts(self) -> list[str]:
        return [NO_VALUE if v is None else str(v) for v in self.cells]

    @property
    def unit_label(self) -> str:
        return str(UNIT_WORDS.get(self.metric.unit, self.metric.unit))


@dataclass
class DayRow:
    """One day of a chart's table."""

    day: datetime.date
    values: list[int | float | None]

    @property
    def texts(self) -> list[str]:
        return [NO_VALUE if v is None else str(v) for v in self.values]


@dataclass
class Chart:
    """One chart and its table: the same numbers, a column per series."""

    key: str
    title: str
    headers: list[str]
    rows: list[DayRow]
    footer: list[str] = field(default_factory=list)
    # How the chart draws each column: "stack" (bars stacked), "area" (stacked area),
    # "bar", "backdrop" (a bar behind the next one: expected behind done), "line", "rate"
    # (a percentage, on its own axis) or "table" (in the table only).
    roles: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(v for row in self.rows for v in row.values)

    def series(self, index: int) -> list[int | float | None]:
        return [row.values[index] for row in self.rows]


@dataclass
class Board:
    unit: OrgUnit
    days: list[datetime.date]
    period: int
    columns: list[Column]
    metric_rows: list[MetricRow]
    charts: list[Chart]
    rates: UnitRates | None
    has_figures: bool

    @property
    def start(self) -> datetime.date:
        return self.days[0]

    @property
    def end(self) -> datetime.date:
        return self.days[-1]

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw, JSON-able: the days and, per chart shown, its series
        named as the table's columns (the tables say the same numbers)."""
        data: dict[str, Any] = {"days": [d.strftime("%m-%d") for d in self.days], "charts": {}}
        for chart in self.charts:
            if chart.is_empty:
                continue
            data["charts"][chart.key] = {
                "title": chart.title,
                "series": [
                    {"name": name, "role": _role(chart, i), "data": chart.series(i)}
                    for i, name in enumerate(chart.headers)
                ],
            }
        return data


def board_for(actor, pk: int, *, days: int = DEFAULT_DAYS) -> Board:
    """The trends board of unit ``pk`` over the ``days`` days up to today; NoBoard where the
    actor sees none of its figures."""
    unit = board_unit_for(actor, pk)
    end = today()
    span = days_between(end - datetime.timedelta(days=days - 1), end)
    children = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )
    metrics, boards = _board_metrics(actor, unit, children)
    if not metrics:
        # Nothing here for them: the schools' figures of a community without schools.
        raise NoBoard
    names = [m.name for m in metrics]
    values: dict[tuple[int, datetime.date, str], float] = {}
    for f in figures_of(actor, unit, span[0], end, metrics=names, children=True):
        values[(f.unit.pk, f.date, f.metric)] = f.value
    # A metric no sub-unit can hold (a community's checkpoints, under its grids) is read for
    # the unit itself.
    own = [m.name for m in metrics if not any(_holds(c, m) for c in children)]
    if own:
        for f in figures_of(actor, unit, span[0], end, metrics=own):
            values[(unit.pk, f.date, f.metric)] = f.value
    shown_children = [c for c in children if any(_holds(c, m) for m in metrics)]
    daily = _unit_daily(unit, shown_children, metrics, span, values, set(own))
    sees_residents = sees_figures_at(actor, unit.path)
    rates = (
        unit_report_rates(actor=actor, unit=unit, start=span[0], end=end)
        if sees_residents
        else None
    )
    return Board(
        unit=unit,
        days=span,
        period=days,
        columns=[Column(c, has_board=c.pk in boards) for c in shown_children],
        metric_rows=[
            _metric_row(m, unit, shown_children, span, values, daily[m.name], m.name in own)
            for m in metrics
        ],
        charts=_charts(metrics, shown_children, span, values, daily, rates),
        rates=rates,
        has_figures=bool(values),
    )


def _holds(unit: OrgUnit, metric: Metric) -> bool:
    return unit.level in HOLDERS.get(metric.level, frozenset())


def _board_metrics(actor, unit: OrgUnit, children: list[OrgUnit]) -> tuple[list[Metric], set]:
    """The metrics the actor sees for ``unit`` that the unit can hold, and the units under it
    with a board of them: the schools' figures count only where there are schools (a
    street's are among its children, a district's under its streets)."""
    shown = [m for m in metrics_visible_to(actor, unit) if _holds(unit, m)]
    boards = {c.pk for c in children if c.level in BOARD_LEVELS}
    if not any(m.level == Level.SCHOOL for m in shown):
        return shown, boards
    if unit.level == Level.STREET:
        school_paths = [c.path for c in children if c.level == Level.SCHOOL]
    else:
        school_paths = list(
            OrgUnit.objects.filter(path__startswith=unit.path, level=Level.SCHOOL).values_list(
                "path", flat=True
            )
        )
    if not school_paths:
        shown = [m for m in shown if m.level != Level.SCHOOL]
    if all(m.level == Level.SCHOOL for m in shown):
        # Those who see the schools only: a unit without schools has no board of theirs.
        boards = {
            c.pk
            for c in children
            if c.pk in boards and any(p.startswith(c.path) for p in school_paths)
        }
    return shown, boards


def _unit_daily(unit, children, metrics, span, values, own) -> dict[str, list[float]]:
    """Each metric's value for the unit on each day: the sum of its sub-units (or the unit's
    own figure, for a metric no sub-unit holds)."""
    daily: dict[str, list[float]] = {}
    for m in metrics:
        holders = [unit] if m.name in own else [c for c in children if _holds(c, m)]
        daily[m.name] = [sum(values.get((h.pk, d, m.name), 0.0) for h in holders) for d in span]
    return daily


def _over_period(metric: Metric, by_day: list[float]) -> float:
    return by_day[-1] if metric.stock else sum(by_day)


def _metric_row(metric, unit, children, span, values, by_day, own: bool) -> MetricRow:
    cells: list[int | float | None] = []
    for child in children:
        if own or not _holds(child, metric):
            cells.append(None)
            continue
        child_days = [values.get((child.pk, d, metric.name), 0.0) for d in span]
        cells.append(number(_over_period(metric, child_days)))
    total = number(_over_period(metric, by_day))
    return MetricRow(metric=metric, stock=metric.stock, cells=cells, total=total or 0)


def _charts(metrics, children, span, values, daily, rates) -> list[Chart]:
    """The charts whose metrics the actor sees, in the board's order."""
    by_name = {m.name: m for m in metrics}
    charts: list[Chart] = []

    def has(*names: str) -> bool:
        return all(n in by_name for n in names)

    def day_rows(columns: list[list]) -> list[DayRow]:
        return [DayRow(d, [col[i] for col in columns]) for i, d in enumerate(span)]

    def nums(series: list[float]) -> list:
        return [number(v) for v in series]

    if has(FEVER):
        fever_units = [c for c in children if _holds(c, by_name[FEVER])]
        columns = [nums([values.get((c.pk, d, FEVER), 0.0) for d in span]) for c in fever_units]
        headers = [c.name for c in fever_units]
        roles = ["stack"] * len(headers)
        columns.append(nums(daily[FEVER]))
        headers.append(gettext("All fever reports"))
        roles.append("table")
        if has(ILI):
            columns.append(nums(daily[ILI]))
            headers.append(gettext("Of which influenza-like"))
            roles.append("line")
        footer = [str(number(sum(v or 0 for v in col))) for col in columns]
        charts.append(
            Chart("epidemic", gettext("Epidemic curve"), headers, day_rows(columns), footer, roles)
        )
    kinds = [m for m in metrics if m.name.startswith(UNDER_PREFIX)]
    if kinds:
        columns = [nums(daily[m.name]) for m in kinds]
        charts.append(
            Chart(
                "observed",
                gettext("Persons under observation by kind"),
                [str(m.label) for m in kinds],
                day_rows(columns),
                roles=["area"] * len(kinds),
            )
        )
    if has(FOLLOW_UPS_DUE, FOLLOW_UPS_DONE):
        due, done = daily[FOLLOW_UPS_DUE], daily[FOLLOW_UPS_DONE]
        rate = [percent(a, b) for a, b in zip(done, due, strict=True)]
        charts.append(
            Chart(
                "follow_ups",
                gettext("Follow-up completion"),
                [
                    pgettext("follow-ups", "Due"),
                    pgettext("follow-ups", "Done"),
                    gettext("Completion (%)"),
                ],
                day_rows([nums(due), nums(done), rate]),
                footer=[
                    str(number(sum(due))),
                    str(number(sum(done))),
                    _text(percent(sum(done), sum(due))),
                ],
                roles=["bar", "bar", "rate"],
            )
        )
    if has(OPENED, RESOLVED):
        columns = [nums(daily[OPENED]), nums(daily[RESOLVED])]
        headers = [pgettext("alerts per day", "Opened"), pgettext("alerts per day", "Resolved")]
        roles = ["bar", "bar"]
        if has(OVERDUE):
            columns.append(nums(daily[OVERDUE]))
            headers.append(gettext("Overdue at the end of the day"))
            roles.append("line")
        charts.append(Chart("alerts", gettext("Alerts"), headers, day_rows(columns), roles=roles))
    if has(VISITED):
        visited = daily[VISITED]
        cumulative = [sum(visited[: i + 1]) for i in range(len(visited))]
        columns = [nums(visited), nums(cumulative)]
        headers = [gettext("Households visited"), gettext("Visited since the period began")]
        roles = ["bar", "line"]
        if has(HOUSEHOLDS_DUE):
            columns.append(nums(daily[HOUSEHOLDS_DUE]))
            headers.append(gettext("Still to visit"))
            roles.append("line")
        title = gettext("Screening coverage")
        charts.append(Chart("screening", title, headers, day_rows(columns), roles=roles))
    if rates is not None:
        charts.append(_reporting_chart(rates, span))
    return charts


def _text(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value}"


def _reporting_chart(rates: UnitRates, span: list[datetime.date]) -> Chart:
    by_day = dict(rates.days)
    rows = []
    for d in span:
        r = by_day.get(d, Rate())
        rows.append(
            DayRow(
                d,
                [
                    r.expected,
                    r.actual,
                    r.on_time,
                    percent(r.actual, r.expected),
                    percent(r.on_time, r.expected),
                ],
            )
        )
    total = rates.total
    return Chart(
        "reporting",
        gettext("Daily reports: reporting rate"),
        [
            gettext("Expected"),
            gettext("Confirmed"),
            gettext("On time"),
            gettext("Reporting rate (%)"),
            gettext("On-time rate (%)"),
        ],
        rows,
        footer=[
            str(total.expected),
            str(total.actual),
            str(total.on_time),
            _text(percent(total.actual, total.expected)),
            _text(percent(total.on_time, total.expected)),
        ],
        roles=["backdrop", "bar", "table", "rate", "rate"],
    )


def _role(chart: Chart, index: int) -> str:
    return chart.roles[index] if index < len(chart.roles) else "line"
