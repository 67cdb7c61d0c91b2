"""The observation module's daily figures, per grid and day (see ``shoumen.lib.metrics``).

Each is one grouped query over the grids asked for. A day's figures are rebuilt from the
rows' own times, so a past day computed again gives what it gave then: an observation
counts from the day it was registered (``created_at``) and until its status changed away
from active (``status_changed_at``). Follow-ups count persons, once each, against the
report slots due that day (both on a past day; today, those whose deadline has passed)."""

import datetime
from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.rules import current_rules, due_slots
from shoumen.lib.dates import today
from shoumen.lib.metrics import Metric, register_metrics
from shoumen.observation.models import (
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Slot,
)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware start of ``day`` and of the day after, in Shoumen's time zone."""
    start = datetime.datetime.combine(
        day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=start.tzinfo
    )


def _per_grid(qs: QuerySet, count: Count) -> dict[int, float]:
    rows = qs.values("grid_id").annotate(n=count).values_list("grid_id", "n").order_by()
    return {grid_id: float(n) for grid_id, n in rows if n}


def under_observation(unit_ids: list[int], day: datetime.date) -> QuerySet[Observation]:
    """Observations running at the end of ``day``: registered by then, counted from that day
    or earlier, and not yet ended."""
    _start, end = day_bounds(day)
    return Observation.objects.filter(
        Q(status=ObservationStatus.ACTIVE) | Q(status_changed_at__gte=end),
        grid_id__in=unit_ids,
        created_at__lt=end,
        starts_on__lte=day,
    )


def _under_observation_of(kind: str) -> Callable[[list[int], datetime.date], dict[int, float]]:
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        return _per_grid(under_observation(unit_ids, day).filter(kind=kind), Count("pk"))

    return compute


def started(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Observations registered that day; one taken over from another community is not new."""
    start, end = day_bounds(day)
    qs = Observation.objects.filter(
        grid_id__in=unit_ids,
        created_at__gte=start,
        created_at__lt=end,
        transferred_from__isnull=True,
    )
    return _per_grid(qs, Count("pk"))


def _ended_as(status: str) -> Callable[[list[int], datetime.date], dict[int, float]]:
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        start, end = day_bounds(day)
        qs = Observation.objects.filter(
            grid_id__in=unit_ids,
            status=status,
            status_changed_at__gte=start,
            status_changed_at__lt=end,
        )
        return _per_grid(qs, Count("pk"))

    return compute


def slots_due(day: datetime.date) -> list[str]:
    """The report slots due on ``day``: all of a past day, those past their deadline today."""
    current = today()
    if day < current:
        return list(Slot.values)
    if day > current:
        return []
    return due_slots(current_rules(), timezone.now())


def followed_up(unit_ids: list[int], day: datetime.date) -> QuerySet[Observation]:
    """Observations that expect reports on ``day``: within their period, registered by the end
    of the day and not ended before it. One completed that day still had its day's reports
    due (the schedule completes after the afternoon check); one transferred that day leaves
    the day to the community that took it over."""
    start, end = day_bounds(day)
    return Observation.objects.filter(
        Q(status=ObservationStatus.ACTIVE)
        | Q(status_changed_at__gte=end)
        | Q(status=ObservationStatus.COMPLETED, status_changed_at__gte=start),
        grid_id__in=unit_ids,
        created_at__lt=end,
        starts_on__lte=day,
        ends_on__gte=day,
        person__isnull=False,
    )


def follow_ups_due(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Persons followed up × slots due (a person under two kinds of observation reports once
    a slot)."""
    slots = slots_due(day)
    if not slots:
        return {}
    persons = _per_grid(followed_up(unit_ids, day), Count("person_id", distinct=True))
    return {grid_id: n * len(slots) for grid_id, n in persons.items()}


def _follow_up_reports(unit_ids: list[int], day: datetime.date, slots: list[str]) -> QuerySet:
    """The day's reports for the due slots of persons followed up in the report's grid."""
    expected = followed_up(unit_ids, day).filter(
        person_id=OuterRef("person_id"), grid_id=OuterRef("grid_id")
    )
    return HealthReport.objects.filter(
        Exists(expected), grid_id__in=unit_ids, date=day, slot__in=slots
    )


def follow_ups_done(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Due slots with a report that counts: a worker's call that got no answer does not."""
    slots = slots_due(day)
    if not slots:
        return {}
    qs = _follow_up_reports(unit_ids, day, slots).exclude(reached=False)
    return _per_grid(qs, Count("pk"))


def follow_ups_not_reached(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Due slots whose only record is a worker's call that got no answer."""
    slots = slots_due(day)
    if not slots:
        return {}
    qs = _follow_up_reports(unit_ids, day, slots).filter(reached=False)
    return _per_grid(qs, Count("pk"))


UNDER_OBSERVATION_LABELS = {
    Kind.HOME_ISOLATION: (_("Under home isolation"), _("%(value)s under home isolation")),
    Kind.CENTRAL_ISOLATION: (
        _("Under centralised isolation"),
        _("%(value)s under centralised isolation"),
    ),
    Kind.HOME_MONITORING: (
        _("Under home health monitoring"),
        _("%(value)s under home health monitoring"),
    ),
    Kind.ROUTINE_MONITORING: (
        _("Under routine health monitoring"),
        _("%(value)s under routine health monitoring"),
    ),
}

# name, status, label, order, the daily report's words, whether it is news
ENDINGS = (
    (
        "completed",
        ObservationStatus.COMPLETED,
        _("Observations completed"),
        21,
        _("%(value)s released at the end of their period"),
        False,
    ),
    (
        "transferred",
        ObservationStatus.TRANSFERRED,
        _("Observations transferred out"),
        22,
        _("%(value)s transferred out"),
        False,
    ),
    (
        "hospitalised",
        ObservationStatus.HOSPITALISED,
        _("Observed persons sent to hospital"),
        23,
        _("%(value)s sent to hospital"),
        True,
    ),
    (
        "lost",
        ObservationStatus.LOST,
        _("Observed persons lost to follow-up"),
        24,
        _("%(value)s lost to follow-up"),
        True,
    ),
)


def metrics() -> list[Metric]:
    return [
        *(
            Metric(
                f"observation.under_{kind}",
                label,
                "persons",
                _under_observation_of(kind),
                order=10 + i,
                stock=True,
                phrase=phrase,
            )
            for i, (kind, (label, phrase)) in enumerate(UNDER_OBSERVATION_LABELS.items())
        ),
        Metric(
            "observation.started",
            _("Observations started"),
            "persons",
            started,
            order=20,
            notable=True,
            phrase=_("%(value)s new persons under observation"),
        ),
        *(
            Metric(
                f"observation.{name}",
                label,
                "persons",
                _ended_as(status),
                order=order,
                notable=notable,
                phrase=phrase,
            )
            for name, status, label, order, phrase, notable in ENDINGS
        ),
        Metric(
            "observation.follow_ups_due",
            _("Follow-ups due"),
            "follow-ups",
            follow_ups_due,
            order=30,
        ),
        Metric(
            "observation.follow_ups_done",
            _("Follow-ups done"),
            "follow-ups",
            follow_ups_done,
            order=31,
        ),
        Metric(
            "observation.follow_ups_not_reached",
            _("Follow-ups not reached"),
            "follow-ups",
            follow_ups_not_reached,
            order=32,
            phrase=_("%(value)s follow-ups not reached"),
        ),
    ]


def register() -> None:
    register_metrics(metrics())
