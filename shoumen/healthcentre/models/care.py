"""The elderly's annual health management service, residents' quarterly satisfaction
surveys with their ratings of staff, and the centre's work-point rules (量化积分). Points
themselves are never stored: they are counted from recorded work."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.models.centres import HealthCentre
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person


class ElderlyCheckStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SelfCare(models.TextChoices):
    """老年人生活自理能力评估, by its score bands."""

    INDEPENDENT = "independent", _("Independent (0–3)")
    MILD = "mild", _("Mildly dependent (4–8)")
    MODERATE = "moderate", _("Moderately dependent (9–18)")
    DEPENDENT = "dependent", _("Not self-caring (≥ 19)")


class CheckResult(models.TextChoices):
    NORMAL = "normal", _("No abnormality")
    CHRONIC = "chronic", _("Into chronic disease management")
    REFERRED = "referred", _("Referred")
    ABNORMAL = "abnormal", _("Abnormal, advised")


class ElderlyCheck(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="elderly_checks"
    )
    centre = models.ForeignKey(
        HealthCentre, on_delete=models.PROTECT, related_name="elderly_checks"
    )
    # The resident's grid: scoping goes by its path.
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ElderlyCheckStatus.choices,
        default=ElderlyCheckStatus.BOOKED,
    )
    booked_for = models.DateField(_("booked for"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    self_care_score = models.PositiveSmallIntegerField(_("self-care score"), null=True, blank=True)
    self_care = models.CharField(
        _("self-care"), max_length=16, choices=SelfCare.choices, blank=True
    )
    # The examination and tests: blood pressure, glucose, lipids, ECG, ultrasound, blood
    # and urine, liver and kidney function, each {"value": ..., "abnormal": bool}.
    findings = models.JSONField(_("findings"), default=dict, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices, blank=True)
    advice = models.CharField(_("advice"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("elderly annual check")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=~Q(status="cancelled"),
                name="hc_one_elderly_check_a_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="hc_elderly_check_done_has_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.person_id}"


class Survey(models.Model):
    centre = models.ForeignKey(HealthCentre, on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    # The secret in the survey's QR poster.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        constraints = [
            models.UniqueConstraint(fields=["centre", "year", "quarter"], name="hc_survey_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="hc_quarter"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="hc_survey_closes_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.year} Q{self.quarter}"


class SurveyResponse(models.Model):
    """One resident's answer. The person is kept only so that a resident answers once;
    no page or export shows the staff rated who said what."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    centre_score = models.PositiveSmallIntegerField(_("the centre overall"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="hc_one_response_each"),
            models.CheckConstraint(
                condition=Q(centre_score__gte=1, centre_score__lte=5), name="hc_centre_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.pk}"


class StaffRating(models.Model):
    """A rating of one member of staff, tied to a real contact with them."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="ratings")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_received"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    # What the contact was: "follow_up", "contract" or "elderly_check", and its id.
    contact_kind = models.CharField(max_length=16)
    contact_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "staff"], name="hc_rate_staff_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="hc_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.score}"


class PointActivity(models.TextChoices):
    FOLLOW_UP_ON_TIME = "follow_up_on_time", _("Follow-up done on time")
    FOLLOW_UP_LATE = "follow_up_late", _("Follow-up done late")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    CONTRACT_RENEWED = "contract_renewed", _("Contract renewed")
    ELDERLY_CHECK_DONE = "elderly_check_done", _("Elderly check done")
    REFERRAL_FOLLOWED_UP = "referral_followed_up", _("Referral followed up within 2 weeks")
    SATISFACTION_POINT = "satisfaction_point", _("Each point of average satisfaction")


class PointRule(models.Model):
    centre = models.ForeignKey(HealthCentre, on_delete=models.CASCADE, related_name="point_rules")
    activity = models.CharField(_("work"), max_length=24, choices=PointActivity.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work-point rule")
        constraints = [
            models.UniqueConstraint(fields=["centre", "activity"], name="hc_point_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.points}"
