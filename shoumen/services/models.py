"""Resident services: requests for help (groceries, medicine, a doctor, transport, someone
to talk to) from three doors — the resident's own link, a household visit, a call taken by
a worker — their assignment to a volunteer or a 包保 cadre, delivery and the resident's
confirmation; each household's 包保 cadre; the psychological support hotline log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Household, Person, Volunteer

NOTE_MAX = 500


class Kind(models.TextChoices):
    GROCERIES = "groceries", _("Groceries")
    MEDICINE = "medicine", _("Medicine")
    DOCTOR = "doctor", _("Seeing a doctor")
    TRANSPORT = "transport", _("Transport")
    PSYCHOLOGICAL = "psychological", _("Someone to talk to")
    OTHER = "other", _("Other help")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Within a day")
    TODAY = "today", _("Today")
    URGENT = "urgent", _("Urgent")


class Door(models.TextChoices):
    SELF_REPORT = "self_report", _("Resident's own request")
    VISIT = "visit", _("Household visit")
    CALL = "call", _("Phone call")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Delivered")
    CONFIRMED = "confirmed", _("Confirmed received")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.ASSIGNED)
CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.CONFIRMED, RequestStatus.CANCELLED)


class ServiceRequest(models.Model):
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="service_requests",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    # Scoping is by the grid's path (scope_q(user, perm, "grid__path")).
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="grid_service_requests",
        limit_choices_to={"level": Level.GRID},
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    kind = models.CharField(_("kind of help"), max_length=16, choices=Kind.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # What is needed, in a few words: never an ID number (checked by the services).
    note = models.CharField(_("what is needed"), max_length=NOTE_MAX, blank=True)
    door = models.CharField(_("came by"), max_length=12, choices=Door.choices)
    visit = models.OneToOneField(
        "screening.Visit",
        verbose_name=_("household visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_request",
    )
    # A standing daily delivery for an isolated household: a new request each day until
    # standing_until (inclusive).
    standing = models.BooleanField(_("daily delivery"), default=False)
    standing_until = models.DateField(_("daily until"), null=True, blank=True)
    # The standing request this day's request was made from.
    standing_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="daily_requests",
    )
    for_day = models.DateField(_("for day"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cadre or staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_tasks",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due by"))
    done_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    done_note = models.CharField(_("what was delivered"), max_length=NOTE_MAX, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Staff who confirmed on the resident's word; null when the resident confirmed by link.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Null when the resident asked through their link.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status", "due_at"], name="svc_community_open"),
            models.Index(fields=["grid", "status"], name="svc_grid_status"),
            models.Index(fields=["status", "due_at"], name="svc_status_due"),
            models.Index(fields=["created_at"], name="svc_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="svc_for_someone",
            ),
            models.UniqueConstraint(
                fields=["standing_from", "for_day"],
                condition=Q(standing_from__isnull=False),
                name="svc_one_daily_request_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Cadre(models.Model):
    """A household's 包保 cadre: the person responsible for it while it is isolated at
    home — a login (by default its grid worker), a volunteer, or a named person."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="cadres",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("assignee", "staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadre_of",
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadre_of",
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("responsible cadre")
        verbose_name_plural = _("responsible cadres")
        indexes = [models.Index(fields=["household", "until"], name="cadre_household")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(volunteer__isnull=False) | ~Q(name=""),
                name="cadre_is_someone",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="cadre_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        if self.user is not None:
            return str(self.user)
        if self.volunteer is not None:
            return str(self.volunteer)
        return self.name


class Topic(models.TextChoices):
    ANXIETY = "anxiety", _("Anxiety")
    ISOLATION = "isolation", _("Isolation")
    FAMILY = "family", _("Family")
    ILLNESS = "illness", _("Illness")
    GRIEF = "grief", _("Grief")
    OTHER = "other", _("Other")


class HotlineCall(models.Model):
    """One call to the psychological support hotline. No notes about the caller are kept:
    only the topic, its length and whether a follow-up is due."""

    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="hotline_calls",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    received_at = models.DateTimeField(_("received at"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    caller = models.ForeignKey(
        Person,
        verbose_name=_("caller"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_calls",
    )
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("followed up"), default=False)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "received_at"], name="hotline_by_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=True, caller__isnull=True) | Q(anonymous=False),
                name="hotline_anonymous_has_no_caller",
            ),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="hotline_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.received_at:%Y-%m-%d}"
