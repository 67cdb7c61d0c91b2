"""The duty rosters' daily figures, per community and day (see ``shoumen.lib.metrics``):
shifts stood on the published rosters and shifts called in sick, so that the daily report
and the boards carry the day's duty without anyone counting it again."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shoumen.duty.models import Assignment, RosterStatus
from shoumen.lib.metrics import Metric, register_metrics
from shoumen.places.models import Level

COMMUNITY = "roster__community_id"


def _shifts(absent: bool):
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        rows = (
            Assignment.objects.filter(
                roster__community_id__in=unit_ids,
                roster__status=RosterStatus.PUBLISHED,
                date=day,
                absent=absent,
            )
            .values(COMMUNITY)
            .annotate(n=Count("pk"))
            .values_list(COMMUNITY, "n")
            .order_by()
        )
        return {unit_id: float(n) for unit_id, n in rows if n}

    return compute


def metrics() -> list[Metric]:
    return [
        Metric(
            "duty.shifts",
            _("Duty shifts stood"),
            "shifts",
            _shifts(absent=False),
            level=Level.COMMUNITY,
            order=80,
            phrase=_("%(value)s duty shifts stood"),
        ),
        Metric(
            "duty.sick_calls",
            _("Duty shifts called in sick"),
            "shifts",
            _shifts(absent=True),
            level=Level.COMMUNITY,
            order=81,
        ),
    ]


def register() -> None:
    register_metrics(metrics())
