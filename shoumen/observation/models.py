"""Key persons under observation (重点人员), health reports (健康打卡 / 随访), self-report links."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person


class Kind(models.TextChoices):
    HOME_ISOLATION = "home_isolation", _("Home isolation")
    CENTRAL_ISOLATION = "central_isolation", _("Centralised isolation")
    HOME_MONITORING = "home_monitoring", _("Home health monitoring")
    ROUTINE_MONITORING = "routine_monitoring", _("Routine health monitoring")


# Kinds that keep a person at home or in a facility: checkpoints stop them.
ISOLATION_KINDS = frozenset({Kind.HOME_ISOLATION, Kind.CENTRAL_ISOLATION})


class Reason(models.TextChoices):
    RISK_AREA = "risk_area", _("Returned from a risk area")
    CLOSE_CONTACT = "close_contact", _("Close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary contact")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic visit")
    OTHER = "other", _("Other")


class ObservationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TRANSFERRED = "transferred", _("Transferred")
    HOSPITALISED = "hospitalised", _("Sent to hospital")
    LOST = "lost", _("Lost to follow-up")
    CANCELLED = "cancelled", _("Cancelled")


class Observation(models.Model):
    """One period of isolation or monitoring of one person, counted from an anchor date."""

    # Null once retention has anonymised a finished observation; counts stay.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="observations",
        null=True,
    )
    # The person's grid when the observation started: scoping needs no join.
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.GRID},
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    risk_area = models.CharField(_("risk area"), max_length=100, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    last_exposure_date = models.DateField(_("last exposure"), null=True, blank=True)
    reason_note = models.CharField(_("note"), max_length=200, blank=True)
    starts_on = models.DateField(_("counted from"))
    period_days = models.PositiveSmallIntegerField(_("period (days)"))
    ends_on = models.DateField(_("ends on"), db_index=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible worker"),
        on_delete=models.PROTECT,
        related_name="observations_responsible",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ObservationStatus.choices,
        default=ObservationStatus.ACTIVE,
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=200, blank=True)
    # A pending transfer: the receiving community accepts it.
    transfer_to = models.ForeignKey(
        OrgUnit,
        verbose_name=_("transfer to"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"level": Level.COMMUNITY},
    )
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("transferred from"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status="active"),
                name="observation_one_active_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="observation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ObservationStatus.values),
                name="observation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "grid"], name="observation_status_grid"),
            models.Index(fields=["responsible", "status"], name="observation_responsible"),
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person_id and self.person else _("(anonymised)")
        return f"{who} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == ObservationStatus.ACTIVE

    def day_number(self, day: datetime.date) -> int:
        """Day 1 is the anchor date."""
        return (day - self.starts_on).days + 1


class Slot(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class Source(models.TextChoices):
    SELF = "self", _("Self-report")
    PROXY = "proxy", _("Household member")
    WORKER_PHONE = "worker_phone", _("Worker by phone")
    WORKER_VISIT = "worker_visit", _("Worker visit")
    WORKER_VIDEO = "worker_video", _("Worker by video")
    CHECKPOINT = "checkpoint", _("Checkpoint")


WORKER_SOURCES = frozenset({Source.WORKER_PHONE, Source.WORKER_VISIT, Source.WORKER_VIDEO})

SYMPTOMS = (
    "fever",
    "cough",
    "sore_throat",
    "fatigue",
    "diarrhoea",
    "loss_of_smell_taste",
    "short_of_breath",
)


class HealthReport(models.Model):
    """One temperature + symptoms record per person, date and slot.

    On PostgreSQL the table is partitioned by ``date`` (one partition per day)."""

    # Indexed by the unique (person, date, slot) and (grid, date) keys below.
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    observation = models.ForeignKey(
        Observation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    fever = models.BooleanField(_("fever"), default=False)
    cough = models.BooleanField(_("cough"), default=False)
    sore_throat = models.BooleanField(_("sore throat"), default=False)
    fatigue = models.BooleanField(_("fatigue"), default=False)
    diarrhoea = models.BooleanField(_("diarrhoea"), default=False)
    loss_of_smell_taste = models.BooleanField(_("loss of smell or taste"), default=False)
    short_of_breath = models.BooleanField(_("shortness of breath"), default=False)
    other_symptoms = models.CharField(_("other symptoms"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # Worker contacts only: whether the person was reached.
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    # The client UUID of the report that first filled the slot, and every other one sent
    # for the slot since (reports that replaced its values, or sent the same values again):
    # sending any of them again changes nothing. The database default serves writers that
    # do not name the column (raw COPY, an older app node during a deploy).
    client_uuid = models.UUIDField(default=uuid.uuid4)
    other_uuids = models.JSONField(default=list, db_default=[], blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        # Nothing reads reports by who recorded them, and every report pays for an index;
        # users are deactivated rather than deleted.
        db_index=False,
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("health report")
        verbose_name_plural = _("health reports")
        constraints = [
            # Both include the partition key, as PostgreSQL requires.
            models.UniqueConstraint(
                fields=["person", "date", "slot"], name="healthreport_one_per_slot"
            ),
            models.UniqueConstraint(
                fields=["client_uuid", "date"], name="healthreport_client_uuid"
            ),
            models.CheckConstraint(
                condition=Q(temperature__isnull=True) | Q(temperature__gte=34, temperature__lte=43),
                name="healthreport_temperature_range",
            ),
        ]
        indexes = [models.Index(fields=["grid", "date"], name="healthreport_grid_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_slot_display()}"

    @property
    def symptoms(self) -> list[str]:
        return [name for name in SYMPTOMS if getattr(self, name)]

    @property
    def is_normal(self) -> bool:
        return not self.symptoms and not self.other_symptoms and self.reached is not False


class ReportLink(models.Model):
    """A personal self-report link for a person and the dependents they report for.

    The token is signed and carries ``version``: regenerating bumps it, so old links die."""

    holder = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="report_links"
    )
    subjects = models.ManyToManyField(Person, verbose_name=_("reports for"), related_name="+")
    version = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("self-report link")
        verbose_name_plural = _("self-report links")
        constraints = [
            models.UniqueConstraint(fields=["holder"], name="reportlink_one_per_holder"),
        ]

    def __str__(self) -> str:
        return str(self.holder)


class ReportCount(models.Model):
    """Daily counts kept when retention removes personal reports."""

    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    reports = models.PositiveIntegerField(default=0)
    fevers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "date"], name="reportcount_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.date}"
