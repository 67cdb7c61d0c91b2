"""Chronic disease patients (hypertension, type 2 diabetes) and their follow-ups, after
the record forms of 国家基本公共卫生服务规范(第三版). A follow-up's classification,
referral and next date are computed from its values by ``healthcentre.rules``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.healthcentre.models.centres import Team
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person


class Disease(models.TextChoices):
    # ICD-10 codes.
    HYPERTENSION = "I10", _("Essential hypertension")
    DIABETES = "E11", _("Type 2 diabetes")


class PatientStatus(models.TextChoices):
    ACTIVE = "active", _("Under management")
    ENDED = "ended", _("No longer managed")


class PatientSource(models.TextChoices):
    CONTRACT = "contract", _("From a contract")
    FIRST_VISIT = "first_visit", _("First-visit blood pressure or glucose check")
    REGISTRY_TAG = "registry_tag", _("Registry's chronic disease tag")
    STAFF = "staff", _("Registered by the centre")


class Patient(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="chronic_cases"
    )
    disease = models.CharField(_("disease"), max_length=8, choices=Disease.choices)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patients",
    )
    # The resident's grid: scoping goes by its path.
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    source = models.CharField(_("found by"), max_length=16, choices=PatientSource.choices)
    diagnosed_on = models.DateField(_("diagnosed"), null=True, blank=True)
    registered_on = models.DateField(_("registered"))
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(_("why no longer managed"), max_length=200, blank=True)
    # Kept from the latest follow-up, for lists and the overdue job.
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    last_classification = models.CharField(max_length=20, blank=True)
    consecutive_unsatisfactory = models.PositiveSmallIntegerField(default=0)
    # A referral's follow-up: due by this day, cleared by the next follow-up.
    referral_check_due_on = models.DateField(null=True, blank=True, db_index=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chronic disease patient")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "disease"],
                condition=Q(status="active"),
                name="hc_one_active_case_per_disease",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_disease_display()} · {self.person_id}"


class Way(models.TextChoices):
    CLINIC = "clinic", _("At the clinic")
    HOME = "home", _("Home visit")
    PHONE = "phone", _("By phone")


class Level3(models.TextChoices):
    """Good, fair, poor: psychological adjustment and adherence to advice."""

    GOOD = "good", pgettext_lazy("assessment", "Good")
    FAIR = "fair", pgettext_lazy("assessment", "Fair")
    POOR = "poor", pgettext_lazy("assessment", "Poor")


class Salt(models.TextChoices):
    LIGHT = "light", _("Light")
    MODERATE = "moderate", _("Moderate")
    HEAVY = "heavy", _("Heavy")


class Adherence(models.TextChoices):
    REGULAR = "regular", _("Regular")
    INTERMITTENT = "intermittent", _("Intermittent")
    NONE = "none", _("Not taking")


class Classification(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Controlled")
    UNSATISFACTORY = "unsatisfactory", _("Not controlled")
    ADVERSE_REACTION = "adverse_reaction", _("Adverse drug reaction")
    COMPLICATION = "complication", _("Complication")


class Referral(models.TextChoices):
    NONE = "none", _("No referral")
    URGENT = "urgent", _("Urgent referral")
    ROUTINE = "routine", _("Referral")


class FollowUp(models.Model):
    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    client_uuid = models.UUIDField(unique=True)
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=8, choices=Way.choices)
    # Symptom codes from healthcentre.rules (the form's list); empty is none.
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    other_symptoms = models.CharField(_("other symptoms"), max_length=200, blank=True)
    systolic = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    target_weight_kg = models.DecimalField(
        _("target weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    bmi = models.DecimalField(_("BMI"), max_digits=4, decimal_places=1, null=True, blank=True)
    target_bmi = models.DecimalField(
        _("target BMI"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    heart_rate = models.PositiveSmallIntegerField(_("heart rate"), null=True, blank=True)
    dorsalis_pedis_pulse = models.CharField(_("dorsalis pedis pulse"), max_length=40, blank=True)
    other_signs = models.CharField(_("other signs"), max_length=200, blank=True)
    cigarettes_per_day = models.PositiveSmallIntegerField(
        _("cigarettes a day"), null=True, blank=True
    )
    target_cigarettes_per_day = models.PositiveSmallIntegerField(
        _("target cigarettes a day"), null=True, blank=True
    )
    drinks_per_day = models.PositiveSmallIntegerField(
        _("liang of liquor a day"), null=True, blank=True
    )
    target_drinks_per_day = models.PositiveSmallIntegerField(
        _("target liang a day"), null=True, blank=True
    )
    exercise_times_per_week = models.PositiveSmallIntegerField(
        _("exercise times a week"), null=True, blank=True
    )
    exercise_minutes = models.PositiveSmallIntegerField(
        _("minutes each time"), null=True, blank=True
    )
    target_exercise_times_per_week = models.PositiveSmallIntegerField(
        _("target times a week"), null=True, blank=True
    )
    target_exercise_minutes = models.PositiveSmallIntegerField(
        _("target minutes each time"), null=True, blank=True
    )
    salt = models.CharField(_("salt"), max_length=8, choices=Salt.choices, blank=True)
    target_salt = models.CharField(_("target salt"), max_length=8, choices=Salt.choices, blank=True)
    staple_food_g_per_day = models.PositiveSmallIntegerField(
        _("staple food (g a day)"), null=True, blank=True
    )
    target_staple_food_g_per_day = models.PositiveSmallIntegerField(
        _("target staple food (g a day)"), null=True, blank=True
    )
    psychological_adjustment = models.CharField(
        _("psychological adjustment"), max_length=8, choices=Level3.choices, blank=True
    )
    compliance = models.CharField(
        _("adherence to advice"), max_length=8, choices=Level3.choices, blank=True
    )
    fasting_glucose = models.DecimalField(
        _("fasting glucose (mmol/L)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    hba1c = models.DecimalField(
        _("HbA1c (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    tests = models.CharField(_("other tests"), max_length=300, blank=True)
    medication_adherence = models.CharField(
        _("medication adherence"), max_length=16, choices=Adherence.choices
    )
    adverse_reaction = models.BooleanField(_("adverse drug reaction"), default=False)
    adverse_reaction_note = models.CharField(_("which reaction"), max_length=200, blank=True)
    new_complication = models.BooleanField(_("new complication"), default=False)
    complication_note = models.CharField(_("which complication"), max_length=200, blank=True)
    # [{"name": ..., "dose": ...}]: medicines and how they are taken.
    medications = models.JSONField(_("medicines"), default=list, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    referral = models.CharField(
        _("referral"), max_length=8, choices=Referral.choices, default=Referral.NONE
    )
    referral_reason = models.CharField(_("referral reason"), max_length=200, blank=True)
    referral_facility = models.CharField(_("referred to"), max_length=100, blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"))
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.PROTECT,
        related_name="chronic_follow_ups",
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("chronic disease follow-up")
        indexes = [models.Index(fields=["patient", "date"], name="hc_follow_up_patient_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up_on__gte=models.F("date")),
                name="hc_follow_up_next_after",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.date}"
