"""The school rules, each at N−1 and N with frozen time: a class's similar symptoms in one
day and over three school days (across midnight and a weekend), ILI in a school within
seven days (across a week boundary) and its emergency level, each disease's thresholds,
notifiable cases and unexplained high fevers; owners and deadlines per rule; a replayed
evaluation opens nothing new."""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

import pytest

from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.schools.models import ClassCheck, Disease, Finding, FindingKind, Pupil
from shoumen.schools.outbreaks import school_rules_evaluate

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
THU = datetime.date(2026, 11, 19)
FRI = datetime.date(2026, 11, 20)
MON = datetime.date(2026, 11, 23)
_serial = itertools.count(1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def new_pupils(klass, n: int) -> list[Pupil]:
    return [
        Pupil.objects.create(
            school=klass.school,
            klass=klass,
            name=f"测试{next(_serial)}号",
            sex="M",
            birth_date=datetime.date(2018, 1, 1),
        )
        for _ in range(n)
    ]


def found(klass, day, pupils, *, kind=FindingKind.SICK, session="morning", **values):
    """A check of ``klass`` at ``session`` of ``day`` with one finding per pupil."""
    values = {"symptoms": ["fever", "cough"], **values}
    row, _ = ClassCheck.objects.get_or_create(
        klass=klass,
        date=day,
        session=session,
        defaults={
            "school": klass.school,
            "enrolled": 60,
            "present": 50,
            "submitted_at": at(day, 8),
        },
    )
    for pupil in pupils:
        Finding.objects.create(
            check_record=row,
            pupil=pupil,
            klass=klass,
            school=klass.school,
            date=day,
            kind=kind,
            **values,
        )
    return row


def evaluate(now: datetime.datetime, **kwargs) -> dict:
    return school_rules_evaluate(now=now, **kwargs)


def alerts(cause=None):
    qs = Alert.objects.filter(person__isnull=True, cause__startswith="school_")
    return qs.filter(cause=cause) if cause else qs


# ---------------------------------------------------------------- class: one day


def test_two_pupils_with_fever_in_a_class_is_no_cluster(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 2))
    evaluate(at(FRI, 10))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


def test_three_pupils_with_fever_in_a_class_in_one_day_is_a_cluster_due_in_24_hours(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    evaluate(at(FRI, 10))
    alert = alerts(Cause.SCHOOL_CLASS_CLUSTER).get()
    assert alert.grid == world.class_a.unit
    assert alert.owner == world.school_doctor
    assert alert.due_at == at(FRI, 10) + datetime.timedelta(hours=24)
    assert alert.details["count"] == 3
    assert alert.details["rule"] == "one_day"
    assert set(alert.details["symptoms"]) == {"fever", "cough"}


def test_a_pupil_seen_at_the_morning_and_noon_checks_counts_once(world):
    pupils = new_pupils(world.class_a, 2)
    found(world.class_a, FRI, pupils, session="morning")
    found(world.class_a, FRI, pupils[:1], session="noon")
    evaluate(at(FRI, 15))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


def test_cases_either_side_of_midnight_are_not_one_day(world):
    found(world.class_a, THU, new_pupils(world.class_a, 2))
    found(world.class_a, FRI, new_pupils(world.class_a, 1))
    evaluate(at(FRI, 0, 5))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


def test_symptoms_differ_so_no_cluster(world):
    a, b, c = new_pupils(world.class_a, 3)
    found(world.class_a, FRI, [a], symptoms=["fever"])
    found(world.class_a, FRI, [b], symptoms=["rash"], session="noon")
    found(world.class_a, FRI, [c], symptoms=["diarrhoea"], kind=FindingKind.SYMPTOMATIC)
    evaluate(at(FRI, 15))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


def test_absentees_and_present_pupils_with_the_same_symptom_count_together(world):
    a, b, c = new_pupils(world.class_a, 3)
    found(world.class_a, FRI, [a, b], symptoms=["vomiting"])
    found(world.class_a, FRI, [c], symptoms=["vomiting"], kind=FindingKind.SYMPTOMATIC)
    evaluate(at(FRI, 10))
    assert alerts(Cause.SCHOOL_CLASS_CLUSTER).get().details["symptoms"] == ["vomiting"]


# ---------------------------------------------------------------- class: three school days


def test_five_cases_over_three_school_days_across_a_weekend_is_no_cluster(world):
    pupils = new_pupils(world.class_a, 5)
    found(world.class_a, THU, pupils[:2])
    found(world.class_a, FRI, pupils[2:4])
    found(world.class_a, MON, pupils[4:])
    evaluate(at(MON, 10))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


def test_six_cases_over_thursday_friday_and_monday_is_a_cluster(world):
    pupils = new_pupils(world.class_a, 6)
    found(world.class_a, THU, pupils[:2])
    found(world.class_a, FRI, pupils[2:4])
    found(world.class_a, MON, pupils[4:])
    evaluate(at(MON, 10))
    alert = alerts(Cause.SCHOOL_CLASS_CLUSTER).get()
    assert alert.details["rule"] == "three_days"
    assert alert.details["count"] == 6
    assert alert.details["since"] == THU.isoformat()


def test_a_case_four_school_days_ago_is_out_of_the_three_day_window(world):
    pupils = new_pupils(world.class_a, 6)
    found(world.class_a, datetime.date(2026, 11, 18), pupils[:1])  # Wednesday
    found(world.class_a, THU, pupils[1:3])
    found(world.class_a, FRI, pupils[3:5])
    found(world.class_a, MON, pupils[5:])
    evaluate(at(MON, 10))
    assert not alerts(Cause.SCHOOL_CLASS_CLUSTER).exists()


# ---------------------------------------------------------------- school: ILI


def _ili(world, n_a: int, n_b: int, day=FRI):
    found(world.class_a, day, new_pupils(world.class_a, n_a), symptoms=["fever", "cough"])
    found(
        world.class_b,
        day,
        new_pupils(world.class_b, n_b),
        kind=FindingKind.SYMPTOMATIC,
        symptoms=["sore_throat"],
        temperature=Decimal("38.0"),
    )


def test_nine_ili_cases_in_a_school_in_a_week_raise_nothing(world):
    # two in each class each day at most, so no class cluster either
    _ili(world, 2, 2, THU)
    _ili(world, 2, 2, FRI)
    _ili(world, 1, 0, MON)
    evaluate(at(MON, 10))
    assert not alerts(Cause.SCHOOL_ILI).exists()


def test_ten_ili_cases_across_a_week_boundary_raise_the_school_ili_alert(world):
    _ili(world, 2, 2, THU)
    _ili(world, 2, 2, FRI)
    _ili(world, 1, 1, MON)
    evaluate(at(MON, 10))
    alert = alerts(Cause.SCHOOL_ILI).get()
    assert alert.grid == world.school.unit
    assert alert.details["count"] == 10
    assert alert.due_at == at(MON, 10) + datetime.timedelta(hours=24)
    assert not alerts(Cause.SCHOOL_ILI_EMERGENCY).exists()


def test_an_ili_case_eight_days_ago_is_out_of_the_week(world):
    _ili(world, 1, 0, datetime.date(2026, 11, 13))  # the Friday before
    _ili(world, 2, 2, THU)
    _ili(world, 2, 2, FRI)
    _ili(world, 1, 0, MON)
    evaluate(at(datetime.date(2026, 11, 23), 10))
    assert not alerts(Cause.SCHOOL_ILI).exists()


def test_a_temperature_below_38_or_no_respiratory_symptom_is_no_ili(world):
    klass = world.class_a
    a, b = new_pupils(klass, 2)
    found(
        klass,
        FRI,
        [a],
        kind=FindingKind.SYMPTOMATIC,
        symptoms=["cough"],
        temperature=Decimal("37.9"),
    )
    found(
        klass,
        FRI,
        [b],
        kind=FindingKind.SYMPTOMATIC,
        symptoms=["headache"],
        temperature=Decimal("38.5"),
        session="noon",
    )
    from shoumen.schools.outbreak_queries import cases_between

    cases = cases_between([world.school.pk], FRI, FRI)
    assert not any(c.is_ili(Decimal("38.0")) for c in cases.values())


def test_twenty_nine_ili_cases_stay_below_the_emergency_level(world):
    days = [datetime.date(2026, 11, 17) + datetime.timedelta(days=i) for i in range(7)]
    for day in days:
        _ili(world, 2, 2, day)  # 28
    found(world.class_a, days[-1], new_pupils(world.class_a, 1), session="noon")  # 29
    evaluate(at(days[-1], 15))
    assert alerts(Cause.SCHOOL_ILI).get().details["count"] == 29
    assert not alerts(Cause.SCHOOL_ILI_EMERGENCY).exists()


def test_thirty_ili_cases_in_a_week_are_the_emergency_level_due_in_2_hours(world):
    days = [datetime.date(2026, 11, 17) + datetime.timedelta(days=i) for i in range(7)]
    for day in days[:-1]:
        _ili(world, 2, 2, day)  # 24
    _ili(world, 2, 2, days[-1])  # 28
    found(world.class_a, days[-1], new_pupils(world.class_a, 2), session="noon")  # 30
    evaluate(at(days[-1], 15))
    alert = alerts(Cause.SCHOOL_ILI_EMERGENCY).get()
    assert alert.details["count"] == 30
    assert alert.due_at == at(days[-1], 15) + datetime.timedelta(hours=2)
    assert alerts(Cause.SCHOOL_ILI).exists()


# ---------------------------------------------------------------- diseases


def _diagnosed(klass, day, pupils, code):
    found(klass, day, pupils, symptoms=["rash"], disease=Disease.objects.get(code=code))


def test_nine_varicella_cases_in_a_school_raise_nothing_ten_raise_the_disease_alert(world):
    days = [datetime.date(2026, 11, 16) + datetime.timedelta(days=i) for i in range(5)]
    for day in days[:4]:
        _diagnosed(world.class_a, day, new_pupils(world.class_a, 1), "varicella")
        _diagnosed(world.class_b, day, new_pupils(world.class_b, 1), "varicella")
    _diagnosed(world.class_a, days[4], new_pupils(world.class_a, 1), "varicella")
    evaluate(at(days[4], 10))
    assert not alerts(Cause.SCHOOL_DISEASE).exists()
    _diagnosed(world.class_b, days[4], new_pupils(world.class_b, 1), "varicella")
    evaluate(at(days[4], 11))
    alert = alerts(Cause.SCHOOL_DISEASE).get()
    assert (alert.grid, alert.key, alert.details["count"]) == (world.school.unit, "varicella", 10)
    assert alert.due_at == at(days[4], 11) + datetime.timedelta(hours=24)


def test_one_hfmd_case_in_a_class_raises_its_notifiable_case_two_raise_the_class_alert(world):
    one, two = new_pupils(world.class_a, 2)
    _diagnosed(world.class_a, THU, [one], "hfmd")
    evaluate(at(THU, 10))
    assert not alerts(Cause.SCHOOL_DISEASE).exists()
    assert alerts(Cause.SCHOOL_NOTIFIABLE_CASE).count() == 1
    _diagnosed(world.class_a, FRI, [two], "hfmd")
    evaluate(at(FRI, 10))
    alert = alerts(Cause.SCHOOL_DISEASE).get()
    assert (alert.grid, alert.key, alert.details["count"]) == (world.class_a.unit, "hfmd", 2)


def test_measles_counts_over_ten_days(world):
    a, b = new_pupils(world.class_a, 2)
    _diagnosed(world.class_a, datetime.date(2026, 11, 11), [a], "measles")
    _diagnosed(world.class_a, FRI, [b], "measles")
    evaluate(at(FRI, 10))
    assert alerts(Cause.SCHOOL_DISEASE).get().key == "measles"
    Alert.objects.all().delete()
    evaluate(at(datetime.date(2026, 11, 21), 10))  # the first case is 11 days old now
    assert not alerts(Cause.SCHOOL_DISEASE).exists()


def test_a_diagnosis_found_at_the_follow_up_counts(world):
    from shoumen.schools.models import Absence

    pupils = new_pupils(world.class_a, 2)
    mumps = Disease.objects.get(code="mumps")
    for pupil in pupils:
        Absence.objects.create(
            pupil=pupil,
            klass=world.class_a,
            school=world.school,
            first_day=THU,
            disease=mumps,
        )
    evaluate(at(FRI, 10))
    assert alerts(Cause.SCHOOL_NOTIFIABLE_CASE).count() == 2


# ---------------------------------------------------------------- notifiable cases


def test_a_class_a_case_is_due_within_2_hours_a_class_c_case_within_24(world):
    a, b = new_pupils(world.class_a, 2)
    _diagnosed(world.class_a, FRI, [a], "cholera")
    _diagnosed(world.class_a, FRI, [b], "mumps")
    evaluate(at(FRI, 9))
    due = {
        x.key.split(":")[0]: x.due_at - x.opened_at for x in alerts(Cause.SCHOOL_NOTIFIABLE_CASE)
    }
    assert due == {"cholera": datetime.timedelta(hours=2), "mumps": datetime.timedelta(hours=24)}


def test_a_case_not_notifiable_raises_no_case_alert(world):
    _diagnosed(world.class_a, FRI, new_pupils(world.class_a, 1), "common_cold")
    evaluate(at(FRI, 9))
    assert not alerts(Cause.SCHOOL_NOTIFIABLE_CASE).exists()


# ---------------------------------------------------------------- high fever


def test_unexplained_fever_of_38_9_raises_nothing_39_0_raises_the_high_fever_alert(world):
    a, b = new_pupils(world.class_a, 2)
    kind = FindingKind.SYMPTOMATIC
    found(world.class_a, FRI, [a], kind=kind, symptoms=["fever"], temperature=Decimal("38.9"))
    evaluate(at(FRI, 9))
    assert not alerts(Cause.SCHOOL_HIGH_FEVER).exists()
    found(
        world.class_a,
        FRI,
        [b],
        kind=kind,
        symptoms=["fever"],
        temperature=Decimal("39.0"),
        session="noon",
    )
    evaluate(at(FRI, 13))
    alert = alerts(Cause.SCHOOL_HIGH_FEVER).get()
    assert alert.key == f"pupil:{b.pk}"
    assert alert.due_at == at(FRI, 13) + datetime.timedelta(hours=24)


def test_a_high_fever_with_a_diagnosis_is_not_unexplained(world):
    pupil = new_pupils(world.class_a, 1)
    found(
        world.class_a,
        FRI,
        pupil,
        kind=FindingKind.SYMPTOMATIC,
        symptoms=["fever"],
        temperature=Decimal("39.5"),
        disease=Disease.objects.get(code="common_cold"),
    )
    evaluate(at(FRI, 9))
    assert not alerts(Cause.SCHOOL_HIGH_FEVER).exists()


# ---------------------------------------------------------------- replays, episodes, scope


def test_evaluating_again_with_nothing_new_opens_nothing_and_writes_nothing(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    first = evaluate(at(FRI, 10))
    before = list(alerts().values_list("pk", "hits", "last_seen_at", "details"))
    again = evaluate(at(FRI, 10, 5))
    assert first["opened"] == 1
    assert (again["opened"], again["updated"]) == (0, 0)
    assert list(alerts().values_list("pk", "hits", "last_seen_at", "details")) == before


def test_a_new_case_updates_the_open_alert_rather_than_opening_another(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    evaluate(at(FRI, 10))
    found(world.class_a, FRI, new_pupils(world.class_a, 1), session="noon")
    result = evaluate(at(FRI, 15))
    alert = alerts(Cause.SCHOOL_CLASS_CLUSTER).get()
    assert (result["opened"], result["updated"]) == (0, 1)
    assert (alert.details["count"], alert.hits) == (4, 2)


def test_a_resolved_cluster_is_not_raised_again_for_the_same_day(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    evaluate(at(FRI, 10))
    Alert.objects.update(status=AlertStatus.RESOLVED, outcome=Outcome.REPORTED)
    evaluate(at(FRI, 11))
    assert alerts(Cause.SCHOOL_CLASS_CLUSTER).count() == 1


def test_only_the_schools_asked_for_are_evaluated(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    result = evaluate(at(FRI, 10), school_ids=[world.other_school.pk])
    assert result["opened"] == 0
    assert not alerts().exists()


def test_a_school_without_a_health_officer_gets_an_alert_without_owner(world):
    klass = world.school_class("K3")
    found(klass, FRI, new_pupils(klass, 3))
    evaluate(at(FRI, 10))
    alert = alerts(Cause.SCHOOL_CLASS_CLUSTER).get()
    assert alert.grid == klass.unit
    assert alert.owner is None


# ---------------------------------------------------------------- ILI in hospital


def _in_hospital(world, pupils, day):
    from shoumen.schools.models import Absence, AbsenceFollowUp, Course

    for pupil in pupils:
        absence = Absence.objects.create(
            pupil=pupil, klass=pupil.klass, school=pupil.school, first_day=day
        )
        AbsenceFollowUp.objects.create(
            absence=absence, date=day, course=Course.IN_HOSPITAL, recorded_at=at(day, 9)
        )


def test_four_ili_pupils_in_hospital_stay_below_the_emergency_level_five_reach_it(world):
    pupils = new_pupils(world.class_a, 2) + new_pupils(world.class_b, 3)
    found(world.class_a, FRI, pupils[:2])
    found(world.class_b, FRI, pupils[2:])
    _in_hospital(world, pupils[:4], FRI)
    evaluate(at(FRI, 10))
    assert not alerts(Cause.SCHOOL_ILI_EMERGENCY).exists()
    _in_hospital(world, pupils[4:], FRI)
    evaluate(at(FRI, 11))
    alert = alerts(Cause.SCHOOL_ILI_EMERGENCY).get()
    assert alert.details["hospitalised"] == 5
    assert alert.due_at == at(FRI, 11) + datetime.timedelta(hours=2)
