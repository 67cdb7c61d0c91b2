"""Distribution campaigns' daily figure, per grid and day (see ``shoumen.lib.metrics``):
households given their share that day, in any campaign. One grouped query over the grids
asked for, from the deliveries' own times, so that a past day computed again gives what it
gave then. ``register()`` belongs in the supplies app's ``ready()``."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shoumen.lib.metrics import Metric, register_metrics
from shoumen.observation.metrics import day_bounds
from shoumen.supplies.campaign_models import CampaignDelivery


def households_given(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Households given their share that day (once each, whatever the campaigns)."""
    start, end = day_bounds(day)
    rows = (
        CampaignDelivery.objects.filter(
            household__grid_id__in=unit_ids, delivered_at__gte=start, delivered_at__lt=end
        )
        .values("household__grid_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("household__grid_id", "n")
        .order_by()
    )
    return {grid_id: float(n) for grid_id, n in rows if n}


def metrics() -> list[Metric]:
    return [
        Metric(
            "supplies.households_given",
            _("Campaign households given"),
            "households",
            households_given,
            order=80,
            phrase=_("%(value)s households given supplies"),
        ),
    ]


def register() -> None:
    register_metrics(metrics())
