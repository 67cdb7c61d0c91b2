"""Daily figures: one value per org unit, day and metric, for every level of the tree.

Leaf units (grids; schools for the schools' metrics) hold what their metric computed;
each ancestor (community, street, district) holds the sum of its subtree's leaves. A zero
is not stored: a unit, day and metric without a row counts 0."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.places.models import OrgUnit


class DailyFigure(models.Model):
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit")
    )
    date = models.DateField(_("date"))
    metric = models.CharField(_("metric"), max_length=64)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "date", "metric"], name="dailyfigure_unit_date_metric_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(value=0), name="dailyfigure_zero_not_stored"
            ),
        ]
        indexes = [
            models.Index(fields=["metric", "date", "unit"], name="dailyfigure_metric_date_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date} {self.metric}={self.value:g}"


class FilledDay(models.Model):
    """When a day's figures were last filled for every metric and unit (as of the start of
    that fill). Pages read today from the stored figures while its fill is fresh, and
    compute today live otherwise."""

    date = models.DateField(_("date"), unique=True)
    filled_at = models.DateTimeField(_("filled"))

    class Meta:
        verbose_name = _("filled day")
        verbose_name_plural = _("filled days")

    def __str__(self) -> str:
        return f"{self.date} {self.filled_at:%H:%M:%S}"


class DailyReport(models.Model):
    """A community's (street's, district's) daily report (疫情防控工作日报) as confirmed and
    sent upward: the figures at that moment, whether it was the zero report, the remarks,
    who confirmed it and when. A day without a row is a report not confirmed yet, whose
    figures are read from the daily figures."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit")
    )
    date = models.DateField(_("date"))
    # Metric name → value as sent, non-zero values only.
    figures = models.JSONField(default=dict, blank=True)
    zero = models.BooleanField(_("zero report"))
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"))
    on_time = models.BooleanField(_("on time"))

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="unitreport_one_per_day"),
        ]
        indexes = [models.Index(fields=["date", "unit"], name="unitreport_day_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date}"
