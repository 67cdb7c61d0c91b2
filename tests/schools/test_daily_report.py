"""The school's daily report: confirmed once every class session is in, on school days
only, on time up to the deadline's minute, idempotent."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.schools.daily_services import (
    ERR_CLASSES_MISSING,
    ERR_FUTURE_DAY,
    ERR_NOT_SCHOOL_DAY,
    daily_report_confirm,
)
from shoumen.schools.models import DailyReport, Session, Term
from tests.schools.daily_helpers import all_in, at, check

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 10, 9)
HOLIDAY = datetime.date(2026, 10, 2)  # National Day
MAKE_UP_SATURDAY = datetime.date(2026, 10, 10)  # 调休: a working Saturday


def confirm(world, day, when, actor=None, **kwargs):
    with time_machine.travel(when, tick=False):
        return daily_report_confirm(
            actor=actor or world.school_doctor, school=world.school, date=day, **kwargs
        )


def test_health_officer_confirms_a_day_with_nothing_found(world):
    all_in(world.school, FRIDAY)
    report, created = confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    assert created and report.nothing_found and report.on_time
    assert report.figures["classes"] == 2
    assert report.figures["enrolled"] == 4
    assert report.figures["present"] == 4
    assert report.figures["sick_absent"] == 0
    assert report.figures["sessions"]["noon"]["checks"] == 2
    assert AuditEvent.objects.filter(action="school.daily_report_confirm").count() == 1


def test_a_second_confirm_answers_the_stored_report(world):
    all_in(world.school, FRIDAY)
    first, _ = confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    again, created = confirm(world, FRIDAY, at(FRIDAY, 17, 0), remarks="again")
    assert (again.pk, created, again.on_time, again.remarks) == (first.pk, False, True, "")
    assert DailyReport.objects.count() == 1


def test_refused_while_a_class_session_is_missing(world):
    all_in(world.school, FRIDAY, skip={("K2", "noon")})
    with pytest.raises(ValidationError) as refused:
        confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    expected = str(ERR_CLASSES_MISSING % {"missing": f"一年级2班 ({Session.NOON.label})"})
    assert refused.value.messages == [expected]
    assert not DailyReport.objects.exists()


def test_the_last_session_in_makes_the_report_possible(world):
    all_in(world.school, FRIDAY, skip={("K2", "noon")})
    check(world.class_b, FRIDAY, "noon")
    report, created = confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    assert created


@pytest.mark.parametrize(
    ("hour", "minute", "second", "on_time"),
    [(15, 59, 0, True), (16, 0, 0, True), (16, 0, 59, True), (16, 1, 0, False)],
)
def test_on_time_up_to_the_deadline_minute(world, hour, minute, second, on_time):
    all_in(world.school, FRIDAY)
    report, _ = confirm(world, FRIDAY, at(FRIDAY, hour, minute, second))
    assert report.on_time is on_time


def test_a_day_confirmed_the_next_day_is_late(world):
    all_in(world.school, FRIDAY)
    report, created = confirm(world, FRIDAY, at(MAKE_UP_SATURDAY, 8, 0))
    assert created and not report.on_time


def test_refused_on_a_public_holiday(world):
    all_in(world.school, HOLIDAY)
    with pytest.raises(ValidationError) as refused:
        confirm(world, HOLIDAY, at(HOLIDAY, 15, 0))
    assert refused.value.message_dict["date"] == [str(ERR_NOT_SCHOOL_DAY % {"date": "2026-10-02"})]


def test_a_make_up_workday_is_a_school_day(world):
    all_in(world.school, MAKE_UP_SATURDAY)
    report, created = confirm(world, MAKE_UP_SATURDAY, at(MAKE_UP_SATURDAY, 15, 0))
    assert created


def test_refused_after_the_term_ended(world):
    Term.objects.create(
        school=world.school,
        name="秋季学期",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=FRIDAY,
    )
    all_in(world.school, MAKE_UP_SATURDAY)
    with pytest.raises(ValidationError):
        confirm(world, MAKE_UP_SATURDAY, at(MAKE_UP_SATURDAY, 15, 0))
    all_in(world.school, FRIDAY)
    assert confirm(world, FRIDAY, at(FRIDAY, 15, 0))[1]


def test_refused_for_a_day_still_to_come(world):
    with pytest.raises(ValidationError) as refused:
        confirm(world, FRIDAY, at(FRIDAY - datetime.timedelta(days=1), 15, 0))
    assert refused.value.message_dict["date"] == [str(ERR_FUTURE_DAY)]


def test_findings_make_a_report_with_figures_by_symptom(world):
    zhang, li = world.pupil("张小明"), world.pupil("李小红")
    check(world.class_a, FRIDAY, "morning", sick=[(zhang, ["fever", "cough"])])
    check(world.class_a, FRIDAY, "noon", sick=[(zhang, ["fever"])], symptomatic=[(li, ["fever"])])
    check(world.class_b, FRIDAY, "morning")
    check(world.class_b, FRIDAY, "noon")
    report, _ = confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    assert not report.nothing_found
    figures = report.figures
    assert (figures["sick_absent"], figures["symptomatic"]) == (1, 1)
    assert figures["by_symptom"] == {"fever": 2, "cough": 1}
    assert figures["present"] == 3


def test_personal_leave_alone_is_still_nothing_found(world):
    zhang = world.pupil("张小明")
    all_in(world.school, FRIDAY, skip={("K1", "morning")})
    check(world.class_a, FRIDAY, "morning", personal=[(zhang, [])])
    report, _ = confirm(world, FRIDAY, at(FRIDAY, 15, 0))
    assert report.nothing_found and report.figures["personal_absent"] == 1


def test_principal_may_confirm(world):
    all_in(world.school, FRIDAY)
    assert confirm(world, FRIDAY, at(FRIDAY, 15, 0), actor=world.principal)[1]


@pytest.mark.parametrize("persona", ["teacher", "education_officer", "cdc_officer", "outsider"])
def test_others_may_not_confirm(world, persona):
    all_in(world.school, FRIDAY)
    with pytest.raises(PermissionDenied):
        confirm(world, FRIDAY, at(FRIDAY, 15, 0), actor=getattr(world, persona))
    assert not DailyReport.objects.exists()


def test_health_officer_of_another_school_may_not_confirm(world):
    from shoumen.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=world.school_doctor).update(org_unit=world.other_school.unit)
    all_in(world.school, FRIDAY)
    with pytest.raises(PermissionDenied):
        confirm(world, FRIDAY, at(FRIDAY, 15, 0))
