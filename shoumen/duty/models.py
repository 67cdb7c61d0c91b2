"""Duty rosters: a community's posts and their shifts, the people who stand duty, the
rosters solved for them, and what happens to a published roster (swaps, sick calls,
check-ins). The solver itself (rostering.py, model.py, solver.py) knows none of these."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shoumen.checkpoints.models import Checkpoint
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Skill as Skill  # teams and skills: the registry's
from shoumen.registry.models import Team, Volunteer

MAX_ROSTER_DAYS = 28


class PostKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("Checkpoint")
    MONITORING = "monitoring", _("24-hour monitoring point")
    DUTY_ROOM = "duty_room", _("Duty room")
    PATROL = "patrol", _("Patrol")


class Post(models.Model):
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="duty_posts",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    checkpoint = models.OneToOneField(
        Checkpoint,
        verbose_name=_("checkpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_post",
    )
    # When set, only members of this team stand here (a medical post, a Party post).
    team = models.CharField(_("team only"), max_length=16, choices=Team.choices, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="post_name_unique"),
            models.CheckConstraint(
                condition=Q(kind="checkpoint", checkpoint__isnull=False)
                | (~Q(kind="checkpoint") & Q(checkpoint__isnull=True)),
                name="post_checkpoint_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """One shift of a post's daily pattern (e.g. 00–08, 08–16, 16–24; or 2 × 12 h). A shift
    belongs to the day it starts on, also when it crosses midnight."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="shifts"
    )
    code = models.CharField(_("code"), max_length=8, help_text=_("e.g. A, B, N"))
    label = models.CharField(_("name"), max_length=20, help_text=_("e.g. Night"))
    start = models.TimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    is_night = models.BooleanField(_("night shift"), default=False)
    # People needed: ``headcount`` every day unless ``headcount_by_day`` says otherwise for
    # a weekday ("0" Monday … "6" Sunday) or for "holiday" (public holidays).
    headcount = models.PositiveSmallIntegerField(_("people needed"), default=1)
    headcount_by_day = models.JSONField(_("people needed by day"), default=dict, blank=True)
    needs_medical = models.BooleanField(_("at least one medical team member"), default=False)
    needs_party = models.BooleanField(_("at least one Party member"), default=False)
    no_lone_elder_at_night = models.BooleanField(_("no one over 70 alone at night"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["post", "order", "start"]
        constraints = [
            models.UniqueConstraint(fields=["post", "code"], name="shift_code_unique"),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="shift_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.label}"


class DutyPerson(models.Model):
    """Someone who stands duty in a community: a staff member (by login) or a volunteer."""

    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="duty_people",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_people",
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_people",
    )
    team = models.CharField(_("team"), max_length=16, choices=Team.choices, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    max_hours_week = models.PositiveSmallIntegerField(_("most hours a week"), default=48)
    prefers_no_nights = models.BooleanField(_("prefers no nights"), default=False)
    prefers_weekends_off = models.BooleanField(_("prefers weekends off"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The secret in the person's calendar feed address; a new one revokes the old feed.
    calendar_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person on duty")
        verbose_name_plural = _("people on duty")
        ordering = ["community", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(volunteer__isnull=False),
                name="duty_person_is_someone",
            ),
            models.UniqueConstraint(fields=["community", "user"], name="duty_person_user_unique"),
            models.UniqueConstraint(
                fields=["community", "volunteer"], name="duty_person_volunteer_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_hours_week__gte=1) & Q(max_hours_week__lte=84),
                name="duty_person_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    UNAVAILABLE = "unavailable", _("Cannot work")
    SICK = "sick", _("Sick")
    REST = "rest", _("Ordered rest")


class Absence(models.Model):
    """Days a person cannot stand duty (both ends included)."""

    person = models.ForeignKey(
        DutyPerson, verbose_name=_("person"), on_delete=models.CASCADE, related_name="absences"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="absence_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on}–{self.ends_on}"


class RosterStatus(models.TextChoices):
    SOLVING = "solving", _("Solving")
    SOLVED = "solved", _("Solved, not published")
    INFEASIBLE = "infeasible", _("No roster possible")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer roster")


class Roster(models.Model):
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="duty_rosters",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=16, choices=RosterStatus.choices, default=RosterStatus.SOLVING
    )
    time_limit_seconds = models.PositiveSmallIntegerField(default=60)
    # Every better roster the solver found: [{"objective", "bound", "seconds"}].
    progress = models.JSONField(default=list, blank=True)
    # Gaps, preference misses, changes, objective, wall seconds (rostering.Result).
    figures = models.JSONField(default=dict, blank=True)
    # Where no roster is possible: [{"post", "date", "shift", "missing", "text"}].
    shortfalls = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-starts_on", "-created_at"]
        indexes = [models.Index(fields=["community", "status", "starts_on"], name="roster_find")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="roster_dates_in_order"
            ),
            # A double tap on "solve" starts one solve of a period, not two.
            models.UniqueConstraint(
                fields=["community", "starts_on", "ends_on"],
                condition=Q(status="solving"),
                name="roster_one_solve_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def is_running(self) -> bool:
        return self.status == RosterStatus.SOLVING


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Solver")
    FIXED = "fixed", _("Fixed by hand")
    SWAP = "swap", _("Swap")
    COVER = "cover", _("Cover for a sick call")


class Assignment(models.Model):
    """One person on one shift of one day. A sick call keeps the row, marked absent, and
    adds the replacement's row."""

    roster = models.ForeignKey(
        Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="assignments"
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="assignments"
    )
    date = models.DateField(_("date"))
    person = models.ForeignKey(
        DutyPerson, verbose_name=_("person"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    source = models.CharField(
        max_length=8, choices=AssignmentSource.choices, default=AssignmentSource.SOLVER
    )
    absent = models.BooleanField(_("called in sick"), default=False)
    fixed = models.BooleanField(_("fixed by hand"), default=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["starts_at", "shift"]
        indexes = [
            models.Index(fields=["person", "starts_at"], name="assignment_by_person"),
            models.Index(fields=["roster", "date"], name="assignment_by_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "shift", "date", "person"], name="assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.shift}"


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Swap(models.Model):
    """``assignment``'s person hands the shift to ``partner``; when ``partner_assignment``
    is set, the partner's shift goes the other way (an exchange)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps_given")
    partner = models.ForeignKey(
        DutyPerson, verbose_name=_("with"), on_delete=models.PROTECT, related_name="+"
    )
    partner_assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="swaps_taken"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    # The rules the swap would break, as found when it was decided.
    problems = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("swap")
        verbose_name_plural = _("swaps")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.assignment} ↔ {self.partner}"


class CheckKind(models.TextChoices):
    IN = "in", _("Check-in")
    OUT = "out", _("Check-out")


class CheckIn(models.Model):
    """Arriving at or leaving a post: the actual hours come from these."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="check_ins")
    kind = models.CharField(_("kind"), max_length=3, choices=CheckKind.choices)
    at = models.DateTimeField(_("time"))
    from_scan_page = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    client_uuid = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="check_in_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.kind} {self.at}"


class RestNotice(models.Model):
    """A 休假通知书 issued to someone who has gone too long without a full day off."""

    person = models.ForeignKey(
        DutyPerson, verbose_name=_("person"), on_delete=models.CASCADE, related_name="rest_notices"
    )
    days_without_rest = models.PositiveSmallIntegerField(_("days without a day off"))
    rest_from = models.DateField(_("rest from"))
    rest_to = models.DateField(_("rest to"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rest notice")
        verbose_name_plural = _("rest notices")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rest_to__gte=F("rest_from")), name="rest_notice_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.rest_from}–{self.rest_to}"


class ResolveStatus(models.TextChoices):
    SOLVING = "solving", _("Solving")
    READY = "ready", _("Ready to apply")
    NOT_FOUND = "not_found", _("No roster found")
    FAILED = "failed", _("Failed")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
    OUTDATED = "outdated", _("Roster changed meanwhile")


class Resolve(models.Model):
    """A published roster solved again around a sick call (重新排班): the rest of the
    period keeps every shift it can, and what would change is shown before it is applied.
    ``dropped`` and ``added`` are the shifts that change hands:
    [{"row" (dropped only), "post", "date", "shift", "person"}]."""

    roster = models.ForeignKey(
        Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="resolves"
    )
    sick = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="resolves"
    )
    person = models.ForeignKey(
        DutyPerson, verbose_name=_("called in sick"), on_delete=models.PROTECT, related_name="+"
    )
    dates = models.JSONField(default=list)
    starts_on = models.DateField(_("from"))
    status = models.CharField(
        _("status"), max_length=16, choices=ResolveStatus.choices, default=ResolveStatus.SOLVING
    )
    time_limit_seconds = models.PositiveSmallIntegerField(default=10)
    # The roster's rows when the re-solve started: applying refuses if they changed since.
    base = models.CharField(max_length=64)
    progress = models.JSONField(default=list, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    dropped = models.JSONField(default=list, blank=True)
    added = models.JSONField(default=list, blank=True)
    shortfalls = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("re-solve around an absence")
        verbose_name_plural = _("re-solves around absences")
        ordering = ["-created_at"]
        constraints = [
            # A double tap on "re-solve" starts one re-solve of a roster, not two.
            models.UniqueConstraint(
                fields=["roster"],
                condition=Q(status="solving"),
                name="resolve_one_per_roster",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roster} / {self.person}"

    @property
    def is_running(self) -> bool:
        return self.status == ResolveStatus.SOLVING
