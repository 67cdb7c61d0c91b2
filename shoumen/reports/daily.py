"""Reading the daily report (疫情防控工作日报) of a community, street or district and a day.

A community's report is its daily figures (today live, past days stored) until it is
confirmed; then it is the figures as sent. A street's or district's report sums the
confirmed reports of the communities under it and lists those not confirmed. The
narrative is generated from the figures: each metric with words for its value says them,
and a report with no notable figure opens with the zero report's sentence."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, scope_paths
from shoumen.lib.dates import today
from shoumen.lib.metrics import Metric, shown
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.models import DailyReport
from shoumen.reports.selectors import (
    RESIDENT_PERMS,
    figures_of,
    metrics_visible_to,
    sees_figures_at,
)

REPORT_LEVELS = (Level.COMMUNITY, Level.STREET, Level.DISTRICT)
ZERO_SENTENCE = _("Nothing new to report today.")
ERR_FUTURE_DAY = _("There is no daily report of a day still to come.")


def deadline_of(day: datetime.date) -> datetime.datetime:
    """When ``day``'s report is due (SHOUMEN_DAILY_REPORT_DEADLINE, local time)."""
    at = datetime.time.fromisoformat(settings.SHOUMEN_DAILY_REPORT_DEADLINE)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def is_on_time(day: datetime.date, confirmed_at: datetime.datetime) -> bool:
    """Confirmed within the deadline's minute or before (16:00 counts, 16:01 does not)."""
    return confirmed_at.replace(second=0, microsecond=0) <= deadline_of(day)


def report_metrics(actor, unit: OrgUnit) -> list[Metric]:
    """The metrics of a unit's daily report: the residents' figures the actor sees there
    (the schools send their own daily report)."""
    return [m for m in metrics_visible_to(actor, unit) if m.level != Level.SCHOOL]


def is_zero(metrics: list[Metric], values: dict[str, float]) -> bool:
    """No notable figure is above zero: the report is the unit's zero report."""
    return not any(values.get(m.name) for m in metrics if m.notable)


def narrative(metrics: list[Metric], values: dict[str, float]) -> list[str]:
    """The report's sentences in the active language: the zero report's sentence when
    nothing is notable, then the words of each metric with a value, in the table's order."""
    said = [
        str(m.phrase) % {"value": shown(values[m.name])}
        for m in metrics
        if m.phrase and values.get(m.name)
    ]
    if is_zero(metrics, values):
        said.insert(0, str(ZERO_SENTENCE))
    return said


def narrative_text(sentences: list[str]) -> str:
    """The sentences as one paragraph ("今日新增…，…。")."""
    if not sentences:
        return ""
    comma, stop = pgettext("narrative", ", "), pgettext("narrative", ".")
    return comma.join(s.rstrip(".。") for s in sentences) + stop


@dataclass
class SubUnit:
    """A community under a street or district report, and its confirmation of the day."""

    unit: OrgUnit
    report: DailyReport | None

    @property
    def confirmed(self) -> bool:
        return self.report is not None


@dataclass
class DayReport:
    unit: OrgUnit
    date: datetime.date
    metrics: list[Metric]
    values: dict[str, float]  # metric name → value, non-zero only
    report: DailyReport | None  # the unit's own confirmation, if any
    deadline: datetime.datetime
    sub_units: list[SubUnit] = field(default_factory=list)  # communities, tree order

    @property
    def rows(self) -> list[tuple[Metric, float]]:
        """Every metric with its value (0 included), in the table's order."""
        return [(m, self.values.get(m.name, 0.0)) for m in self.metrics]

    @property
    def zero(self) -> bool:
        return is_zero(self.metrics, self.values)

    @property
    def sentences(self) -> list[str]:
        return narrative(self.metrics, self.values)

    @property
    def text(self) -> str:
        return narrative_text(self.sentences)

    @property
    def confirmed(self) -> bool:
        return self.report is not None

    @property
    def overdue(self) -> bool:
        """Not confirmed and its deadline has passed."""
        return self.report is None and timezone.now() > self.deadline

    @property
    def missing(self) -> list[SubUnit]:
        return [s for s in self.sub_units if not s.confirmed]


def may_see_reports(actor) -> bool:
    """Whether ``actor`` sees some unit's daily report."""
    return any(scope_paths(actor, perm) for perm in RESIDENT_PERMS)


def _check(actor, unit: OrgUnit) -> None:
    if unit.level not in REPORT_LEVELS or not sees_figures_at(actor, unit.path):
        raise OrgUnit.DoesNotExist


def _communities(unit: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path, level=Level.COMMUNITY).order_by("path")
    )


def _community_values(
    actor, unit: OrgUnit, days: list[datetime.date], metrics: list[Metric]
) -> dict[datetime.date, dict[str, float]]:
    """A community's figures of each of ``days`` from the daily figures (today as
    ``figures_of`` reads it), in one read from the first day to the last."""
    found: dict[datetime.date, dict[str, float]] = defaultdict(dict)
    names = [m.name for m in metrics]
    if days and names:
        for f in figures_of(actor, unit, min(days), max(days), metrics=names):
            found[f.date][f.metric] = f.value
    return found


def daily_report_of(actor, unit: OrgUnit, day: datetime.date) -> DayReport:
    """``unit``'s report of ``day`` as ``actor`` sees it. Raises OrgUnit.DoesNotExist when
    the unit is outside the actor's scope or is not a community, street or district, and
    ValidationError for a day still to come."""
    _check(actor, unit)
    if day > today():
        raise ValidationError({"date": [ERR_FUTURE_DAY]})
    return daily_reports_between(actor, unit, day, day)[0]


def daily_reports_between(
    actor, unit: OrgUnit, start: datetime.date, end: datetime.date
) -> list[DayReport]:
    """``unit``'s report of each day from ``start`` to ``end`` (at most today)."""
    _check(actor, unit)
    metrics = report_metrics(actor, unit)
    days = [start + datetime.timedelta(days=i) for i in range((min(end, today()) - start).days + 1)]
    own = {
        r.date: r
        for r in DailyReport.objects.filter(unit=unit, date__range=(start, end)).select_related(
            "confirmed_by"
        )
    }
    communities = [] if unit.level == Level.COMMUNITY else _communities(unit)
    below: dict[datetime.date, dict[int, DailyReport]] = defaultdict(dict)
    if communities:
        rows = DailyReport.objects.filter(
            unit_id__in=[c.pk for c in communities], date__range=(start, end)
        ).select_related("confirmed_by")
        for row in rows:
            below[row.date][row.unit_id] = row
    shown = {m.name for m in metrics}
    unconfirmed = [d for d in days if d not in own] if unit.level == Level.COMMUNITY else []
    computed = _community_values(actor, unit, unconfirmed, metrics)
    found = []
    for day in days:
        if day in own:
            values = {k: v for k, v in own[day].figures.items() if k in shown}
        elif unit.level == Level.COMMUNITY:
            values = computed[day]
        else:
            values = defaultdict(float)
            for row in below[day].values():
                for name, value in row.figures.items():
                    if name in shown:
                        values[name] += value
            values = {k: v for k, v in values.items() if v}
        found.append(
            DayReport(
                unit=unit,
                date=day,
                metrics=metrics,
                values=values,
                report=own.get(day),
                deadline=deadline_of(day),
                sub_units=[SubUnit(c, below[day].get(c.pk)) for c in communities],
            )
        )
    return found


def confirmable(actor, unit: OrgUnit) -> bool:
    """Whether ``actor`` may confirm ``unit``'s report."""
    return unit.level in REPORT_LEVELS and covers(actor, Perm.CONFIRM_DAILY_REPORT, unit.path)
