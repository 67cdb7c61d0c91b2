"""Schools: their classes and pupils, the morning/noon/evening checks, illness absences and
their follow-up, return to class, school alerts' reports and the daily zero report.

A school and each of its classes are org units (levels ``school`` and ``class`` under a
street), so the one path-prefix rule scopes class teachers, health officers and principals.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.lib import crypto
from shoumen.lib.dates import age_on, today
from shoumen.lib.ids import mask_id_number
from shoumen.lib.phones import mask_phone
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Sex

PUPIL_ID_CONTEXT = "pupil.id_number"
PUPIL_ID_LAST4_CONTEXT = "pupil.id_number.last4"
GUARDIAN_PHONE_CONTEXT = "guardian.phone"


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    MIDDLE = "middle", _("Middle school")
    HIGH = "high", _("High school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    VOCATIONAL = "vocational", _("Vocational school")


class School(models.Model):
    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="school",
        limit_choices_to={"level": "school"},
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SchoolKind.choices)
    boarding = models.BooleanField(_("boarding school"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.unit.name


class Term(models.Model):
    """A term's first and last school day: outside terms no check and no report is due."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="school_class",
        limit_choices_to={"level": "class"},
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="classes"
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    # Boarding classes also have an evening check.
    boarding = models.BooleanField(_("boarding class"), default=False)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.unit.name


class PupilKind(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    STAFF = "staff", _("Staff")


class Pupil(models.Model):
    """A pupil, or a member of staff who is checked with a class (teachers, canteen
    workers): ID numbers and guardians' phones are encrypted as residents' are."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="pupils"
    )
    klass = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="pupils"
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=PupilKind.choices, default=PupilKind.PUPIL
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.BinaryField(null=True, editable=False)
    id_number_index = models.CharField(max_length=64, null=True, editable=False)
    id_number_last4_index = models.CharField(max_length=64, blank=True, editable=False)
    boarding = models.BooleanField(_("boarder"), default=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil_records",
    )
    active = models.BooleanField(_("on the roll"), default=True)
    # The check of each day is refused for a pupil waiting for a return-to-class certificate.
    return_pending = models.BooleanField(_("waiting to return to class"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="pupil_unique_document"),
        ]
        indexes = [models.Index(fields=["klass", "active", "name"], name="pupil_class_roll")]

    def __str__(self) -> str:
        return self.name

    def id_number(self) -> str:
        if self.id_number_encrypted is None:
            return ""
        return crypto.decrypt(self.id_number_encrypted, context=PUPIL_ID_CONTEXT)

    @property
    def id_number_masked(self) -> str:
        number = self.id_number()
        return mask_id_number(number) if number else ""

    @property
    def age(self) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, today())


class Guardian(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20, blank=True)
    phone_encrypted = models.BinaryField(null=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.name

    def phone(self) -> str:
        if self.phone_encrypted is None:
            return ""
        return crypto.decrypt(self.phone_encrypted, context=GUARDIAN_PHONE_CONTEXT)

    @property
    def phone_masked(self) -> str:
        number = self.phone()
        return mask_phone(number) if number else ""


class Session(models.TextChoices):
    MORNING = "morning", _("Morning check")
    NOON = "noon", _("Noon check")
    EVENING = "evening", _("Evening check")


class ClassCheck(models.Model):
    """One class's check of one session: confirmed by the class teacher. With no findings
    it is the class's zero report for that session."""

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    klass = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="checks")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=8, choices=Session.choices)
    enrolled = models.PositiveIntegerField(_("on the roll"))
    present = models.PositiveIntegerField(_("present"))
    sick_absent = models.PositiveIntegerField(_("absent sick"), default=0)
    personal_absent = models.PositiveIntegerField(_("absent on leave"), default=0)
    symptomatic = models.PositiveIntegerField(_("present with symptoms"), default=0)
    late = models.BooleanField(_("entered late"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("class check")
        verbose_name_plural = _("class checks")
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "date", "session"], name="classcheck_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(present__lte=models.F("enrolled")), name="classcheck_present_le_roll"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="classcheck_school_day")]

    def __str__(self) -> str:
        return f"{self.klass_id} {self.date} {self.session}"

    @property
    def is_zero_report(self) -> bool:
        return not (self.sick_absent or self.personal_absent or self.symptomatic)


class FindingKind(models.TextChoices):
    SICK = "sick", _("Absent sick")
    PERSONAL = "personal", _("Absent on leave")
    SYMPTOMATIC = "symptomatic", _("Present with symptoms")


class Disease(models.Model):
    """A diagnosis the rules know: its legal class, report deadline, isolation period and
    weekly thresholds per school and per class (0: no threshold). Seeded with the national
    defaults; editable by administrators."""

    class Category(models.TextChoices):
        A = "A", _("Class A (or managed as class A)")
        B = "B", _("Class B")
        C = "C", _("Class C")
        OTHER = "other", _("Not notifiable")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=8, choices=Category.choices)
    report_within_hours = models.PositiveSmallIntegerField(_("report within (hours)"), default=24)
    isolation_days = models.PositiveSmallIntegerField(_("isolation (days)"), default=0)
    # A return-to-class certificate is required before the pupil is checked again.
    certificate_required = models.BooleanField(_("return certificate required"), default=False)
    window_days = models.PositiveSmallIntegerField(_("counted over (days)"), default=7)
    school_threshold = models.PositiveSmallIntegerField(_("school cases (report)"), default=0)
    school_outbreak_threshold = models.PositiveSmallIntegerField(
        _("school cases (outbreak)"), default=0
    )
    class_threshold = models.PositiveSmallIntegerField(_("class cases (report)"), default=0)

    class Meta:
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A pupil absent or unwell at one check."""

    check_record = models.ForeignKey(ClassCheck, on_delete=models.CASCADE, related_name="findings")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="findings")
    # Copied from the check so that the rules count per class and school without a join.
    klass = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    kind = models.CharField(_("kind"), max_length=12, choices=FindingKind.choices)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    temperature = models.DecimalField(
        _("temperature"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    saw_doctor = models.BooleanField(_("seen a doctor"), default=False)
    disease = models.ForeignKey(
        Disease, verbose_name=_("diagnosis"), on_delete=models.PROTECT, null=True, blank=True
    )
    diagnosis_note = models.CharField(_("diagnosis (as told)"), max_length=100, blank=True)
    to_observation_room = models.BooleanField(_("sent to the observation room"), default=False)
    guardian_notified = models.BooleanField(_("guardian notified"), default=False)

    class Meta:
        verbose_name = _("check finding")
        verbose_name_plural = _("check findings")
        constraints = [
            models.UniqueConstraint(
                fields=["check_record", "pupil"], name="finding_one_per_pupil_per_check"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="finding_school_day"),
            models.Index(fields=["klass", "date"], name="finding_class_day"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.kind}"


class AbsenceStatus(models.TextChoices):
    OPEN = "open", _("Following up")
    AWAITING_RETURN = "awaiting_return", _("Waiting for return to class")
    RETURNED = "returned", _("Back in class")


class Absence(models.Model):
    """An illness absence followed up daily until the pupil is back (因病缺勤登记追踪)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="absences")
    klass = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    opened_by_finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Reported by the guardian through their link rather than seen at a check.
    reported_by_guardian = models.BooleanField(default=False)
    first_day = models.DateField(_("first day absent"))
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    saw_doctor = models.BooleanField(_("seen a doctor"), default=False)
    disease = models.ForeignKey(
        Disease, verbose_name=_("diagnosis"), on_delete=models.PROTECT, null=True, blank=True
    )
    diagnosis_note = models.CharField(_("diagnosis (as told)"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AbsenceStatus.choices, default=AbsenceStatus.OPEN
    )
    returned_on = models.DateField(_("back in class on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("illness absence")
        verbose_name_plural = _("illness absences")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=~Q(status="returned"),
                name="absence_one_open_per_pupil",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"], name="absence_school_status")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.first_day}"


class Course(models.TextChoices):
    BETTER = "better", _("Getting better")
    SAME = "same", _("No change")
    WORSE = "worse", _("Worse")
    IN_HOSPITAL = "in_hospital", _("In hospital")
    RECOVERED = "recovered", _("Recovered")


class AbsenceFollowUp(models.Model):
    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    reached = models.BooleanField(_("guardian reached"), default=True)
    course = models.CharField(_("course"), max_length=12, choices=Course.choices, blank=True)
    disease = models.ForeignKey(
        Disease, verbose_name=_("diagnosis"), on_delete=models.PROTECT, null=True, blank=True
    )
    diagnosis_note = models.CharField(_("diagnosis (as told)"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("absence follow-up")
        verbose_name_plural = _("absence follow-ups")
        ordering = ["date", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.absence_id} {self.date}"


class ReturnCertificate(models.Model):
    """复课证明: the school doctor checked the hospital certificate and lets the pupil back;
    the class teacher then confirms admission."""

    absence = models.OneToOneField(Absence, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("number"), max_length=32, unique=True)
    hospital_certificate_checked = models.BooleanField(_("hospital certificate checked"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"))
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    admitted_at = models.DateTimeField(_("admitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("return-to-class certificate")
        verbose_name_plural = _("return-to-class certificates")

    def __str__(self) -> str:
        return self.number


class GuardianLink(models.Model):
    """A guardian's signed personal link for reporting a pupil's absence; the token carries
    ``version``: regenerating bumps it, so old links die."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="guardian_link")
    version = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")

    def __str__(self) -> str:
        return str(self.pupil)


class DailyReport(models.Model):
    """A school's daily report, confirmed by the health officer once every class session
    is in: with nothing found, it is the school's zero report (无异常)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="daily_reports")
    date = models.DateField(_("date"))
    nothing_found = models.BooleanField(_("nothing to report"), default=True)
    figures = models.JSONField(default=dict, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"))
    on_time = models.BooleanField(_("on time"))

    class Meta:
        verbose_name = _("school daily report")
        verbose_name_plural = _("school daily reports")
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="dailyreport_one_per_day"),
        ]
        indexes = [models.Index(fields=["date", "school"], name="dailyreport_day_school")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.date}"


class EpidemicReport(models.Model):
    """A school epidemic report (传染病疫情报告), sent from an alert to the CDC and the
    education bureau at once; each acknowledges it. Its content is generated from the data
    and kept as sent."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="epidemic_reports")
    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cause = models.CharField(_("cause"), max_length=32)
    content = models.JSONField(default=dict)
    actions = models.JSONField(_("actions taken"), default=list, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        verbose_name = _("school epidemic report")
        verbose_name_plural = _("school epidemic reports")
        indexes = [models.Index(fields=["school", "sent_at"], name="epireport_school_sent")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.cause} {self.sent_at:%Y-%m-%d %H:%M}"


class Receiver(models.TextChoices):
    CDC = "cdc", _("CDC")
    EDUCATION = "education", _("Education bureau")


class EpidemicReportAck(models.Model):
    report = models.ForeignKey(EpidemicReport, on_delete=models.CASCADE, related_name="acks")
    receiver = models.CharField(_("receiver"), max_length=12, choices=Receiver.choices)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["report", "receiver"], name="epiack_one_per_receiver"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.receiver}"


class SchoolRules(models.Model):
    """The school rules' numbers, one row edited by administrators; defaults from 卫办疾控发
    〔2006〕65号, WS/T 772-2020 and the 2018 ILI outbreak guideline."""

    class_cases_one_day = models.PositiveSmallIntegerField(
        _("class: similar cases in one day"), default=3
    )
    class_cases_three_days = models.PositiveSmallIntegerField(
        _("class: more than this many similar cases within 3 days"), default=5
    )
    cluster_due_hours = models.PositiveSmallIntegerField(
        _("class cluster: report within (hours)"), default=24
    )
    ili_temperature = models.DecimalField(
        _("ILI from (°C)"), max_digits=3, decimal_places=1, default=38
    )
    ili_school_week = models.PositiveSmallIntegerField(
        _("ILI cases in a school in a week"), default=10
    )
    ili_emergency_week = models.PositiveSmallIntegerField(
        _("ILI cases in a week, emergency level"), default=30
    )
    ili_hospitalised_week = models.PositiveSmallIntegerField(
        _("ILI hospitalised in a week, emergency level"), default=5
    )
    ili_deaths_week = models.PositiveSmallIntegerField(
        _("ILI deaths in a week, emergency level"), default=2
    )
    ili_due_hours = models.PositiveSmallIntegerField(_("ILI: report within (hours)"), default=24)
    emergency_due_hours = models.PositiveSmallIntegerField(
        _("emergency level: report within (hours)"), default=2
    )
    high_fever_temperature = models.DecimalField(
        _("unexplained high fever from (°C)"), max_digits=3, decimal_places=1, default=39
    )
    late_entry_school_days = models.PositiveSmallIntegerField(
        _("checks accepted up to (school days late)"), default=3
    )
    morning_deadline = models.TimeField(_("morning check due by"), default=datetime.time(10, 0))
    noon_deadline = models.TimeField(_("noon check due by"), default=datetime.time(14, 30))
    evening_deadline = models.TimeField(_("evening check due by"), default=datetime.time(21, 0))
    daily_report_deadline = models.TimeField(_("daily report due by"), default=datetime.time(16, 0))
    escalation_hours = models.PositiveSmallIntegerField(
        _("escalate again after (hours)"), default=1
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("school rules")
        verbose_name_plural = _("school rules")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="schoolrules_single_row")]

    def __str__(self) -> str:
        return str(_("School rules"))
