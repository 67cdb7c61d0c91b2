"""Resident services' daily figures (see ``shoumen.lib.metrics``): requests asked,
delivered and overdue per grid and day, and hotline calls per community and day — counts
only, never who called."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.lib.metrics import Metric, register_metrics
from shoumen.places.models import Level
from shoumen.services.models import HotlineCall, ServiceRequest

UNIT_REQUESTS = "requests"
UNIT_CALLS = "calls"


def _bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start, start + datetime.timedelta(days=1)


def _count(qs, field: str) -> dict[int, float]:
    rows = qs.values(field).annotate(n=Count("pk")).values_list(field, "n").order_by()
    return {unit_id: float(n) for unit_id, n in rows if n}


def _asked(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    start, end = _bounds(day)
    qs = ServiceRequest.objects.filter(
        grid_id__in=unit_ids, created_at__gte=start, created_at__lt=end
    )
    return _count(qs, "grid_id")


def _delivered(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    start, end = _bounds(day)
    qs = ServiceRequest.objects.filter(grid_id__in=unit_ids, done_at__gte=start, done_at__lt=end)
    return _count(qs, "grid_id")


def _overdue(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Requests still open at the end of ``day`` (or now, for today) past their time."""
    _start, end = _bounds(day)
    at = min(end, timezone.now())
    still_open = (Q(done_at__isnull=True) | Q(done_at__gt=at)) & (
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=at)
    )
    qs = ServiceRequest.objects.filter(
        still_open,
        grid_id__in=unit_ids,
        created_at__lt=at,
        due_at__lt=at,
    )
    return _count(qs, "grid_id")


def _calls(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    start, end = _bounds(day)
    qs = HotlineCall.objects.filter(
        community_id__in=unit_ids, received_at__gte=start, received_at__lt=end
    )
    return _count(qs, "community_id")


def metrics() -> list[Metric]:
    return [
        Metric(
            "services.requests_new",
            _("Service requests made"),
            UNIT_REQUESTS,
            _asked,
            order=90,
            phrase=_("%(value)s service requests made"),
        ),
        Metric(
            "services.requests_done",
            _("Service requests delivered"),
            UNIT_REQUESTS,
            _delivered,
            order=91,
            phrase=_("%(value)s service requests delivered"),
        ),
        Metric(
            "services.requests_overdue",
            _("Service requests overdue"),
            UNIT_REQUESTS,
            _overdue,
            order=92,
            notable=True,
            stock=True,
            phrase=_("%(value)s service requests overdue"),
        ),
        Metric(
            "services.hotline_calls",
            _("Hotline calls"),
            UNIT_CALLS,
            _calls,
            level=Level.COMMUNITY,
            order=93,
        ),
    ]


def register() -> None:
    register_metrics(metrics())
