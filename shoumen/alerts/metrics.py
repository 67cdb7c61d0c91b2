"""The alerts module's daily figures, per grid and day (see ``shoumen.lib.metrics``): alerts
opened (in all and by cause), resolved and overdue, and the health reports the alert rules
find feverish, influenza-like or with a red-flag symptom.

Each is one grouped query over the grids asked for (school alerts hang on school and class
units, never on a grid). Overdue is rebuilt from the alerts' own times: open, not yet
acknowledged and past its deadline at the end of the day (today: now)."""

import datetime
from collections.abc import Callable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.models import Alert, Cause
from shoumen.alerts.rules import current_rules
from shoumen.lib.metrics import Metric, register_metrics
from shoumen.observation.metrics import day_bounds
from shoumen.observation.models import HealthReport


def _per_grid(qs: QuerySet) -> dict[int, float]:
    rows = qs.values("grid_id").annotate(n=Count("pk")).values_list("grid_id", "n").order_by()
    return {grid_id: float(n) for grid_id, n in rows if n}


def opened(unit_ids: list[int], day: datetime.date, cause: str | None = None) -> dict[int, float]:
    start, end = day_bounds(day)
    qs = Alert.objects.filter(grid_id__in=unit_ids, opened_at__gte=start, opened_at__lt=end)
    return _per_grid(qs.filter(cause=cause) if cause else qs)


def _opened_for(cause: str) -> Callable[[list[int], datetime.date], dict[int, float]]:
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        return opened(unit_ids, day, cause)

    return compute


def resolved(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    start, end = day_bounds(day)
    qs = Alert.objects.filter(grid_id__in=unit_ids, resolved_at__gte=start, resolved_at__lt=end)
    return _per_grid(qs)


def overdue(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Alerts past their deadline and still untouched at the end of ``day`` (today: now), as
    the boards count them: an acknowledged alert is being handled."""
    at = min(day_bounds(day)[1], timezone.now())
    qs = Alert.objects.filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=at),
        Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=at),
        grid_id__in=unit_ids,
        opened_at__lt=at,
        due_at__lt=at,
    )
    return _per_grid(qs)


def _reports(unit_ids: list[int], day: datetime.date) -> QuerySet[HealthReport]:
    return HealthReport.objects.filter(grid_id__in=unit_ids, date=day)


def fever_reports(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Reports at or above the fever threshold, or with fever ticked (the ILI ones too)."""
    rules = current_rules()
    qs = _reports(unit_ids, day).filter(Q(temperature__gte=rules.fever_temperature) | Q(fever=True))
    return _per_grid(qs)


def ili_reports(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Reports at or above the ILI threshold with a cough or a sore throat."""
    rules = current_rules()
    qs = _reports(unit_ids, day).filter(
        Q(cough=True) | Q(sore_throat=True), temperature__gte=rules.ili_temperature
    )
    return _per_grid(qs)


def red_flag_reports(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    return _per_grid(_reports(unit_ids, day).filter(short_of_breath=True))


# The causes raised on residents, each with its own count of alerts opened.
OPENED_BY_CAUSE = {
    Cause.FEVER: _("Alerts opened: fever"),
    Cause.ILI: _("Alerts opened: influenza-like illness"),
    Cause.RED_FLAG: _("Alerts opened: red-flag symptom"),
    Cause.NON_REPORTING: _("Alerts opened: no report"),
    Cause.LOST_CONTACT: _("Alerts opened: lost contact"),
    Cause.RELEASE_CHECK: _("Alerts opened: observation ends today"),
}


def metrics() -> list[Metric]:
    return [
        Metric(
            "alerts.fever_reports",
            _("Health reports with fever"),
            "reports",
            fever_reports,
            order=40,
            notable=True,
            phrase=_("%(value)s health reports with fever"),
        ),
        Metric(
            "alerts.ili_reports",
            _("Health reports with influenza-like illness"),
            "reports",
            ili_reports,
            order=41,
            notable=True,
            phrase=_("%(value)s with influenza-like illness"),
        ),
        Metric(
            "alerts.red_flag_reports",
            _("Health reports with a red-flag symptom"),
            "reports",
            red_flag_reports,
            order=42,
            notable=True,
            phrase=_("%(value)s with a red-flag symptom"),
        ),
        Metric(
            "alerts.opened",
            _("Alerts opened"),
            "alerts",
            opened,
            order=50,
            notable=True,
            phrase=_("%(value)s alerts opened"),
        ),
        Metric(
            "alerts.resolved",
            _("Alerts resolved"),
            "alerts",
            resolved,
            order=51,
            phrase=_("%(value)s alerts resolved"),
        ),
        Metric(
            "alerts.overdue",
            _("Alerts overdue"),
            "alerts",
            overdue,
            order=52,
            stock=True,
            notable=True,
            phrase=_("%(value)s alerts overdue"),
        ),
        *(
            Metric(f"alerts.opened_{cause}", label, "alerts", _opened_for(cause), order=53 + i)
            for i, (cause, label) in enumerate(OPENED_BY_CAUSE.items())
        ),
    ]


def register() -> None:
    register_metrics(metrics())
