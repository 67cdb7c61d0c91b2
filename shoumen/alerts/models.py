"""Alerts (预警): a rule hit with an owner, a deadline and an escalation ladder."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person


class Cause(models.TextChoices):
    FEVER = "fever", _("Fever")
    ILI = "ili", _("Influenza-like illness")
    RED_FLAG = "red_flag", _("Red-flag symptom")
    NON_REPORTING = "non_reporting", _("No report")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    RELEASE_CHECK = "release_check", _("Observation ends today")
    # School alerts hang on a class or school unit, not on a person.
    SCHOOL_CLASS_CLUSTER = "school_class_cluster", _("Class cluster of similar symptoms")
    SCHOOL_ILI = "school_ili", _("Influenza-like illness in a school")
    SCHOOL_ILI_EMERGENCY = "school_ili_emergency", _("Influenza-like illness: emergency level")
    SCHOOL_DISEASE = "school_disease", _("Infectious disease cases in a school")
    SCHOOL_DISEASE_OUTBREAK = "school_disease_outbreak", _("Infectious disease outbreak")
    SCHOOL_NOTIFIABLE_CASE = "school_notifiable_case", _("Notifiable disease case")
    SCHOOL_HIGH_FEVER = "school_high_fever", _("Unexplained high fever")
    # Community alerts (on the community unit): stock below its reorder level, keyed by
    # holder and item; a resident's service request past its time, keyed by request.
    SUPPLIES_LOW_STOCK = "supplies_low_stock", _("Stock below its reorder level")
    SERVICE_OVERDUE = "service_overdue", _("Service request overdue")
    # Health centre alerts hang on a patient (a person) and go to the centre's people only.
    HEALTH_URGENT_REFERRAL = "health_urgent_referral", _("Urgent referral")
    HEALTH_REFERRAL_CHECK = "health_referral_check", _("Referral check due")
    HEALTH_FOLLOW_UP_OVERDUE = "health_follow_up_overdue", _("Chronic follow-up overdue")


SCHOOL_CAUSES = frozenset(c.value for c in Cause if c.value.startswith("school_"))
HEALTH_CAUSES = frozenset(c.value for c in Cause if c.value.startswith("health_"))
# Alerts on a community about its work (stock, service requests): their details name what
# is short or late and hold the ``path`` of the page that deals with it.
COMMUNITY_CAUSES = frozenset({Cause.SUPPLIES_LOW_STOCK.value, Cause.SERVICE_OVERDUE.value})


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class EscalationLevel(models.IntegerChoices):
    WORKER = 0, _("Responsible worker")
    COMMUNITY = 1, _("Community staff")
    STREET = 2, _("Street officer")


# The same steps of the ladder, as a school alert climbs them.
SCHOOL_LEVEL_LABELS = {
    EscalationLevel.WORKER: _("School health officer"),
    EscalationLevel.COMMUNITY: _("Principal"),
    EscalationLevel.STREET: _("Education bureau and CDC"),
}


class Outcome(models.TextChoices):
    FEVER_CLINIC = "fever_clinic", _("Sent to fever clinic")
    HOSPITAL = "hospital", _("Sent to hospital")
    FALSE_READING = "false_reading", _("False reading")
    RECOVERED = "recovered", _("Recovered")
    REACHED = "reached", _("Reached the person")
    RELEASED = "released", _("Released at period end")
    REPORTED = "reported", _("Reported to the CDC and education bureau")
    OTHER = "other", _("Other")


class Alert(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="alerts", null=True
    )
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    observation = models.ForeignKey(
        "observation.Observation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    cause = models.CharField(_("cause"), max_length=32, choices=Cause.choices)
    # What a unit alert is about within its cause (a disease, a pupil): one open alert per
    # unit, cause and key. Empty for alerts on a person.
    key = models.CharField(max_length=64, blank=True, default="", db_default="")
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    level = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationLevel.choices, default=EscalationLevel.WORKER
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts_owned",
        db_index=False,  # the (owner, status) index serves it
    )
    opened_at = models.DateTimeField(_("opened"))
    due_at = models.DateTimeField(_("due"))
    last_seen_at = models.DateTimeField(_("last triggered"))
    hits = models.PositiveIntegerField(_("times triggered"), default=1)
    # What triggered it, without identity: temperature, symptoms, date, slot.
    details = models.JSONField(default=dict, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # No index of their own: nothing looks alerts up by who handled them, and each index
    # costs every alert opened (a non-reporting run may open hundreds of thousands).
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cause"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_one_open_per_cause",
            ),
            models.UniqueConstraint(
                fields=["grid", "cause", "key"],
                condition=Q(person__isnull=True, status__in=["open", "acknowledged"]) & ~Q(key=""),
                name="alert_one_open_per_unit_cause_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(outcome=""),
                name="alert_resolved_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "grid"], name="alert_status_grid"),
            models.Index(fields=["status", "due_at"], name="alert_status_due"),
            models.Index(fields=["owner", "status"], name="alert_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} · {self.person or '-'}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_school(self) -> bool:
        return self.cause in SCHOOL_CAUSES

    @property
    def is_community(self) -> bool:
        return self.cause in COMMUNITY_CAUSES

    @property
    def level_label(self) -> str:
        if self.is_school:
            return str(SCHOOL_LEVEL_LABELS[EscalationLevel(self.level)])
        return str(self.get_level_display())


class AlertRules(models.Model):
    """The thresholds and deadlines of the alert rules: one row, edited by administrators."""

    fever_temperature = models.DecimalField(
        _("fever from (°C)"), max_digits=3, decimal_places=1, default=Decimal("37.3")
    )
    ili_temperature = models.DecimalField(
        _("influenza-like illness from (°C)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("38.0"),
    )
    morning_deadline = models.TimeField(_("morning report due by"), default=datetime.time(10, 0))
    afternoon_deadline = models.TimeField(
        _("afternoon report due by"), default=datetime.time(16, 0)
    )
    lost_contact_days = models.PositiveSmallIntegerField(
        _("lost contact after days not reached"), default=2
    )
    fever_due_minutes = models.PositiveIntegerField(_("fever: act within (minutes)"), default=120)
    ili_due_minutes = models.PositiveIntegerField(_("ILI: act within (minutes)"), default=120)
    red_flag_due_minutes = models.PositiveIntegerField(
        _("red flag: act within (minutes)"), default=60
    )
    non_reporting_due_minutes = models.PositiveIntegerField(
        _("no report: act within (minutes)"), default=120
    )
    lost_contact_due_minutes = models.PositiveIntegerField(
        _("lost contact: act within (minutes)"), default=240
    )
    release_check_due_minutes = models.PositiveIntegerField(
        _("release check: act within (minutes)"), default=480
    )
    escalation_minutes = models.PositiveIntegerField(
        _("escalate again after (minutes)"), default=60
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert rules")
        verbose_name_plural = _("alert rules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="alertrules_single_row"),
            models.CheckConstraint(
                condition=Q(ili_temperature__gte=models.F("fever_temperature")),
                name="alertrules_ili_above_fever",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Alert rules"))

    def due_minutes(self, cause: str) -> int:
        return int(getattr(self, f"{cause}_due_minutes"))


class Notification(models.Model):
    """The in-app inbox; email and SMS copies go through ``alerts.channels``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The title and body as a message key and its values (alerts.messages), rendered in the
    # reader's language; title and body above are the sender's rendering, kept as a fallback.
    words = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def title_text(self) -> str:
        from shoumen.alerts.messages import rendered

        return rendered(self.words.get("title")) or self.title

    @property
    def body_text(self) -> str:
        from shoumen.alerts.messages import rendered

        return rendered(self.words.get("body")) or self.body
