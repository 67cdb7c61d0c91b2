"""The schools' daily figures, per school and day (see ``shoumen.lib.metrics``).

The illness-absence rate is sick-absent person-days ÷ pupil-days monitored, both counted at
the morning check as the schools board counts them, and declared as its two counts so that
they add up the tree. Each is one grouped query over the schools asked for."""

import datetime

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from shoumen.lib.metrics import Metric, register_metrics
from shoumen.places.models import Level
from shoumen.schools.models import ClassCheck, Finding, FindingKind, Session

SCHOOL_UNIT = "school__unit_id"


def _per_school(qs: QuerySet, value) -> dict[int, float]:
    rows = qs.values(SCHOOL_UNIT).annotate(n=value).values_list(SCHOOL_UNIT, "n").order_by()
    return {unit_id: float(n) for unit_id, n in rows if n}


def _checks(unit_ids: list[int], day: datetime.date) -> QuerySet[ClassCheck]:
    return ClassCheck.objects.filter(school__unit_id__in=unit_ids, date=day)


def class_checks(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Class checks submitted for the day, every session."""
    return _per_school(_checks(unit_ids, day), Count("pk"))


def absent_sick(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Pupils absent sick at the morning check: one person-day each."""
    return _per_school(_checks(unit_ids, day).filter(session=Session.MORNING), Sum("sick_absent"))


def pupils_monitored(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Pupils on the roll of the classes checked in the morning: the absence rate's pupil-days."""
    return _per_school(_checks(unit_ids, day).filter(session=Session.MORNING), Sum("enrolled"))


def symptomatic(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Pupils present with symptoms at any check of the day (once each)."""
    qs = Finding.objects.filter(
        school__unit_id__in=unit_ids, date=day, kind=FindingKind.SYMPTOMATIC
    )
    return _per_school(qs, Count("pupil_id", distinct=True))


def metrics() -> list[Metric]:
    def metric(name: str, label, unit: str, compute, order: int) -> Metric:
        return Metric(f"schools.{name}", label, unit, compute, level=Level.SCHOOL, order=order)

    return [
        metric("class_checks", _("Class checks submitted"), "checks", class_checks, 80),
        metric("absent_sick", _("Pupils absent sick"), "person-days", absent_sick, 81),
        metric("pupils_monitored", _("Pupil-days monitored"), "person-days", pupils_monitored, 82),
        metric("symptomatic", _("Pupils present with symptoms"), "persons", symptomatic, 83),
    ]


def register() -> None:
    register_metrics(metrics())
