"""The demo's schools: schools, classes and pupils with the school logins; checks on school
days only; a realistic background; and the two clusters that cross their thresholds."""

import datetime
import importlib.util
from decimal import Decimal

import phonenumbers
import pytest
import time_machine

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Alert, AlertStatus
from shoumen.demo.load import demo_counts, demo_load
from shoumen.demo.plan import DEMO_DISTRICT_CODE
from shoumen.demo.schools import SCHOOL_SIZES, first_class_code, first_school_code
from shoumen.lib import crypto
from shoumen.lib.dates import age_on
from shoumen.places.models import OrgUnit
from shoumen.registry.models import DocumentType
from shoumen.registry.services import document_index
from shoumen.schools.calendar import is_school_day, is_working_day
from shoumen.schools.models import (
    GUARDIAN_PHONE_CONTEXT,
    Absence,
    AbsenceStatus,
    ClassCheck,
    DailyReport,
    Finding,
    FindingKind,
    Guardian,
    Pupil,
    School,
    SchoolClass,
    Session,
)
from shoumen.schools.selectors import classes_visible_to, schools_visible_to

# A Monday four weeks after 劳动节 (1–5 May 2026, with a make-up workday on Saturday 9 May).
DAY = datetime.date(2026, 6, 1)
EVENING = datetime.datetime(
    2026, 6, 1, 18, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
PASSWORD = "demo-pass-2026"
WEEK_AGO = DAY - datetime.timedelta(days=6)


@pytest.fixture
def demo(db):
    with time_machine.travel(EVENING, tick=False):
        yield demo_load(size="small", seed=7, password=PASSWORD, day=DAY)


def _path() -> str:
    return OrgUnit.objects.get(code=DEMO_DISTRICT_CODE).path


def _schools():
    return School.objects.filter(unit__path__startswith=_path())


def _classes():
    return SchoolClass.objects.filter(unit__path__startswith=_path())


def _in_demo(model):
    """The demo's rows of a model with a ``school`` (the persona world's schools aside)."""
    return model.objects.filter(school__unit__path__startswith=_path())


def _school(n: int) -> School:
    """The demo's ``n``-th school, as DEMO_SCHOOLS lists them."""
    return _schools().select_related("unit").order_by("pk")[n - 1]


def test_small_demo_has_its_schools_classes_and_pupils(demo):
    spec = SCHOOL_SIZES["small"]
    assert _schools().count() == spec.schools == demo.counts["schools"]
    assert _classes().count() == spec.schools * spec.classes_per_school
    pupils = _in_demo(Pupil).count()
    assert abs(pupils - spec.schools * spec.classes_per_school * spec.pupils_per_class) <= 72
    assert demo.counts["pupils"] == pupils
    assert {s.kind for s in _schools().all()} == {"primary", "middle"}
    assert _schools().filter(boarding=True).count() == 1
    # Every school under a demo street, every class under its school.
    for school in _schools().select_related("unit"):
        assert OrgUnit.objects.get_parent(school.unit).level == "street"
        assert school.terms.filter(starts_on__lte=DAY - datetime.timedelta(days=27)).exists()
    names = set(_classes().values_list("unit__name", flat=True))
    assert {"一年级1班", "初一1班"} <= names


def test_pupils_are_of_the_age_of_their_grade(demo):
    for pupil in _in_demo(Pupil).select_related("klass"):
        age = age_on(pupil.birth_date, DAY)
        assert pupil.klass.grade + 5 <= age <= pupil.klass.grade + 7, (pupil.klass.grade, age)


def test_ids_and_guardian_phones_are_stored_as_the_services_store_them(demo):
    pupil = _in_demo(Pupil).exclude(id_number_encrypted=None).first()
    number = pupil.id_number()
    assert pupil.id_number_index == document_index(DocumentType.RESIDENT_ID, number)
    assert pupil.id_number_masked != number
    guardians = Guardian.objects.filter(pupil__school__unit__path__startswith=_path())
    assert guardians.count() >= _in_demo(Pupil).count()
    for guardian in guardians[:200]:
        phone = crypto.decrypt(guardian.phone_encrypted, context=GUARDIAN_PHONE_CONTEXT)
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))
        assert guardian.phone_last4 == phone[-4:]


def test_school_logins_hold_their_roles(demo):
    expected = {
        "teacher1": (Role.CLASS_TEACHER, first_class_code()),
        "schooldoc1": (Role.SCHOOL_HEALTH_OFFICER, first_school_code()),
        "principal1": (Role.PRINCIPAL, first_school_code()),
        "edu1": (Role.EDUCATION_OFFICER, DEMO_DISTRICT_CODE),
        "cdc1": (Role.CDC_OFFICER, DEMO_DISTRICT_CODE),
    }
    for username, (role, code) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD)
        assert user.display_name and user.display_name != username
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role, assignment.org_unit.code) == (role, code)
    first_class = _classes().select_related("unit").order_by("unit__path").first()
    assert first_class.unit.code == first_class_code()
    teacher = User.objects.get(username="teacher1")
    assert list(classes_visible_to(teacher)) == [first_class]
    assert schools_visible_to(User.objects.get(username="edu1")).count() == _schools().count()


def test_every_class_and_school_has_its_staff_who_cannot_log_in_until_given_a_password(demo):
    for klass in _classes().select_related("unit"):
        assert RoleAssignment.objects.filter(org_unit=klass.unit, role=Role.CLASS_TEACHER).exists()
    for school in _schools().select_related("unit"):
        for role in (Role.SCHOOL_HEALTH_OFFICER, Role.PRINCIPAL):
            assert RoleAssignment.objects.filter(org_unit=school.unit, role=role).exists()
    assert not User.objects.get(username="teacher1-2").has_usable_password()


def test_checks_only_on_school_days_and_evening_only_for_boarders(demo):
    dates = set(_in_demo(ClassCheck).values_list("date", flat=True))
    assert len(dates) >= 15
    assert all(is_working_day(d) for d in dates)
    assert datetime.date(2026, 5, 4) not in dates  # 劳动节
    assert datetime.date(2026, 5, 9) in dates  # its make-up Saturday
    for school in _schools().all():
        for d in set(_in_demo(ClassCheck).filter(school=school).values_list("date", flat=True)):
            assert is_school_day(school, d)
    evening = _in_demo(ClassCheck).filter(session=Session.EVENING)
    assert evening.exists()
    assert not evening.filter(klass__boarding=False).exists()


def test_every_check_adds_up_and_most_days_are_complete(demo):
    for check in _in_demo(ClassCheck).all()[:500]:
        findings = _in_demo(Finding).filter(check_record=check)
        assert check.sick_absent == findings.filter(kind=FindingKind.SICK).count()
        assert check.present == check.enrolled - check.sick_absent - check.personal_absent
    classes = _classes().count()
    morning = _in_demo(ClassCheck).filter(
        session=Session.MORNING, date=WEEK_AGO + datetime.timedelta(days=1)
    )
    assert morning.count() == classes


def test_teacher1s_class_waits_for_todays_check(demo):
    first = _classes().get(unit__code=first_class_code())
    assert not _in_demo(ClassCheck).filter(klass=first, date=DAY).exists()
    assert _in_demo(ClassCheck).filter(klass=first, date=DAY - datetime.timedelta(days=3)).exists()
    assert _in_demo(ClassCheck).filter(date=DAY).exclude(klass=first).exists()


def test_background_absence_is_realistic(demo):
    morning = _in_demo(ClassCheck).filter(session=Session.MORNING)
    enrolled = sum(morning.values_list("enrolled", flat=True))
    sick = sum(morning.values_list("sick_absent", flat=True))
    leave = sum(morning.values_list("personal_absent", flat=True))
    assert 0.004 <= sick / enrolled <= 0.02
    assert 0.002 <= leave / enrolled <= 0.01
    assert _in_demo(Finding).filter(kind=FindingKind.SYMPTOMATIC, to_observation_room=True).exists()


def test_absences_are_followed_up_and_most_are_closed(demo):
    absences = _in_demo(Absence).all()
    assert demo.counts["absences"] == absences.count() > 20
    returned = absences.filter(status=AbsenceStatus.RETURNED).count()
    assert returned > absences.count() / 2
    assert absences.exclude(status=AbsenceStatus.RETURNED).exists()
    assert not absences.filter(follow_ups=None, first_day__lt=DAY).exists()
    for absence in absences.filter(status=AbsenceStatus.RETURNED)[:50]:
        assert absence.returned_on > absence.first_day
    # A pupil waiting for a certificate is one whose diagnosis needs it and who has none.
    for pupil in _in_demo(Pupil).filter(return_pending=True):
        absence = pupil.absences.exclude(status=AbsenceStatus.RETURNED).get()
        assert absence.disease.certificate_required


def test_daily_reports_mostly_on_time_a_few_late_a_couple_missing(demo):
    reports = _in_demo(DailyReport).all()
    expected = sum(
        len(set(_in_demo(ClassCheck).filter(school=s).values_list("date", flat=True)))
        for s in _schools().all()
    )
    assert reports.filter(on_time=False).exists()
    assert reports.filter(on_time=True).count() > 0.85 * reports.count()
    assert expected - reports.count() >= 2
    report = reports.filter(nothing_found=False).first()
    assert report.figures["sick_absent"] > 0 and report.figures["by_symptom"]


def test_varicella_cluster_crosses_the_weekly_school_threshold(demo):
    school = _school(1)
    cases = _in_demo(Absence).filter(
        school=school, disease__code="varicella", first_day__gte=WEEK_AGO
    )
    assert cases.count() >= 10
    assert all({"rash", "fever"} <= set(a.symptoms) for a in cases)
    assert not _in_demo(Absence).filter(disease__code="varicella").exclude(school=school).exists()


def test_ili_cluster_crosses_the_weekly_school_threshold(demo):
    def ili(school):
        findings = (
            _in_demo(Finding)
            .filter(school=school, date__gte=WEEK_AGO, temperature__gte=Decimal("38.0"))
            .exclude(kind=FindingKind.PERSONAL)
        )
        return {f.pupil_id for f in findings if {"cough", "sore_throat"} & set(f.symptoms)}

    assert len(ili(_school(2))) >= 10
    for n in (1, 3, 4):
        assert len(ili(_school(n))) < 10


def test_counts_of_a_second_load_are_those_of_the_first(demo):
    assert demo_counts(demo.district) == demo.counts


@pytest.mark.skipif(
    importlib.util.find_spec("shoumen.schools.outbreaks") is None,
    reason="the school rules are not there yet",
)
def test_both_clusters_end_in_open_alerts(demo):
    open_alerts = Alert.objects.filter(cause__startswith="school_").exclude(
        status=AlertStatus.RESOLVED
    )
    varicella, ili = _school(1), _school(2)
    assert (varicella.unit.name, ili.unit.name) == ("中关村第一小学", "育英中学")
    assert open_alerts.filter(grid=varicella.unit, cause="school_disease").exists()
    assert open_alerts.filter(grid=ili.unit, cause="school_ili").exists()
    # The background crosses no school's weekly threshold.
    others = open_alerts.filter(grid__level="school").exclude(grid__in=[varicella.unit, ili.unit])
    assert not others.exists()
