"""Door-to-door screening rounds (走访排查): one visit task per household in scope."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("screening round status", "Open")
    CLOSED = "closed", _("Closed")


class ScreeningRound(models.Model):
    name = models.CharField(_("name"), max_length=100)
    purpose = models.TextField(_("purpose"), blank=True)
    scope = models.ForeignKey(
        OrgUnit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="round_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(models.Model):
    """The questions a round asks, frozen: answers keep the version they were given under."""

    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    questions = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="questionnaire_unique_number")
        ]
        ordering = ["round", "number"]

    def __str__(self) -> str:
        return f"{self.round} v{self.number}"


class TaskStatus(models.TextChoices):
    DUE = "due", _("To visit")
    VISITED = "visited", _("Visited")
    REVISIT = "revisit", _("Nobody home: visit again")
    REFUSED = "refused", _("Refused")
    MOVED_AWAY = "moved_away", _("Moved away")
    NOT_FOUND = "not_found", _("Address not found")


class Outcome(models.TextChoices):
    VISITED = "visited", _("Visited")
    NOBODY_HOME = "nobody_home", _("Nobody home")
    REFUSED = "refused", _("Refused")
    MOVED_AWAY = "moved_away", _("Moved away")
    NOT_FOUND = "not_found", _("Address not found")


OUTCOME_STATUS = {
    Outcome.VISITED: TaskStatus.VISITED,
    Outcome.NOBODY_HOME: TaskStatus.REVISIT,
    Outcome.REFUSED: TaskStatus.REFUSED,
    Outcome.MOVED_AWAY: TaskStatus.MOVED_AWAY,
    Outcome.NOT_FOUND: TaskStatus.NOT_FOUND,
}


class Method(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    BUILDING_LEADER = "building_leader", _("Through the building leader")


class VisitTask(models.Model):
    # Indexed by the unique (round, household) constraint and (round, grid, status): a
    # separate index would only slow the one INSERT that creates a round's tasks.
    round = models.ForeignKey(
        ScreeningRound, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # The household's grid when the round was created: scoping and coverage need no join.
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by (assignee, status)
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.DUE
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    revisit_on = models.DateField(_("visit again on"), null=True, blank=True)
    # Findings of the latest visit, kept here so that coverage is one grouped count.
    returnee_found = models.BooleanField(default=False)
    symptomatic = models.BooleanField(default=False)
    vulnerable = models.BooleanField(default=False)
    last_visit_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("visit task")
        verbose_name_plural = _("visit tasks")
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="task_one_per_household")
        ]
        indexes = [
            # Includes the findings: coverage is an index-only scan.
            models.Index(
                fields=["round", "grid", "status"],
                include=["returnee_found", "symptomatic", "vulnerable"],
                name="task_round_grid_status",
            ),
            models.Index(fields=["assignee", "status"], name="task_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.household_id}"


class Visit(models.Model):
    task = models.ForeignKey(
        VisitTask, on_delete=models.CASCADE, related_name="visits", db_index=False
    )
    # The task's round, so that visits per day of a round need no join to the tasks.
    round = models.ForeignKey(
        ScreeningRound, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client_uuid = models.UUIDField(unique=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    # Person ids of the members present.
    members_present = models.JSONField(default=list, blank=True)
    service_need = models.CharField(_("needs help with"), max_length=200, blank=True)
    visited_at = models.DateTimeField(_("visited at"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        indexes = [
            models.Index(fields=["task", "visited_at"], name="visit_task_time"),
            models.Index(
                fields=["round", "visited_at"], include=["outcome"], name="visit_round_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.visited_at:%Y-%m-%d}"
