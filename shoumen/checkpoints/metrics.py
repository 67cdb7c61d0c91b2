"""The checkpoints' daily figures, per community and day (see ``shoumen.lib.metrics``): a
checkpoint is a community's post, so these are computed for communities, not grids, and
summed up the tree from there.

Each is one grouped query over the communities asked for; scans are read by their ``day``
(the partition key on PostgreSQL)."""

import datetime
from collections.abc import Callable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.rules import current_rules
from shoumen.checkpoints.models import Direction, Scan, Verdict, VerdictReason, Visitor
from shoumen.lib.metrics import Metric, register_metrics
from shoumen.observation.metrics import day_bounds
from shoumen.places.models import Level

COMMUNITY = "checkpoint__community_id"


def _per_community(qs: QuerySet) -> dict[int, float]:
    rows = qs.values(COMMUNITY).annotate(n=Count("pk")).values_list(COMMUNITY, "n").order_by()
    return {unit_id: float(n) for unit_id, n in rows if n}


def _scans(unit_ids: list[int], day: datetime.date) -> QuerySet[Scan]:
    return Scan.objects.filter(checkpoint__community_id__in=unit_ids, day=day)


def _scans_where(q: Q) -> Callable[[list[int], datetime.date], dict[int, float]]:
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        return _per_community(_scans(unit_ids, day).filter(q))

    return compute


def _visitors(unit_ids: list[int], day: datetime.date) -> QuerySet[Visitor]:
    start, end = day_bounds(day)
    return Visitor.objects.filter(
        checkpoint__community_id__in=unit_ids, arrived_at__gte=start, arrived_at__lt=end
    )


def visitors(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    return _per_community(_visitors(unit_ids, day))


def fevers(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Residents stopped for a temperature and visitors registered at or above the fever
    threshold (the rule a resident's scan follows)."""
    scans = _per_community(_scans(unit_ids, day).filter(reason=VerdictReason.FEVER))
    feverish = _visitors(unit_ids, day).filter(temperature__gte=current_rules().fever_temperature)
    for unit_id, n in _per_community(feverish).items():
        scans[unit_id] = scans.get(unit_id, 0.0) + n
    return scans


PASSED = ~Q(verdict=Verdict.DENY)


def metrics() -> list[Metric]:
    def metric(name: str, label, unit: str, compute, order: int, **more) -> Metric:
        return Metric(
            f"checkpoints.{name}", label, unit, compute, level=Level.COMMUNITY, order=order, **more
        )

    return [
        metric(
            "scans_in",
            _("Checkpoint entries"),
            "scans",
            _scans_where(PASSED & Q(direction=Direction.IN)),
            70,
        ),
        metric(
            "scans_out",
            _("Checkpoint exits"),
            "scans",
            _scans_where(PASSED & Q(direction=Direction.OUT)),
            71,
        ),
        metric(
            "refused",
            _("Refused at checkpoints"),
            "scans",
            _scans_where(Q(verdict=Verdict.DENY)),
            72,
            phrase=_("%(value)s refused at checkpoints"),
        ),
        metric(
            "visitors",
            _("Visitors registered"),
            "persons",
            visitors,
            73,
            phrase=_("%(value)s visitors registered"),
        ),
        metric(
            "fevers",
            _("Fevers at checkpoints"),
            "persons",
            fevers,
            74,
            notable=True,
            phrase=_("%(value)s with fever at checkpoints"),
        ),
    ]


def register() -> None:
    register_metrics(metrics())
