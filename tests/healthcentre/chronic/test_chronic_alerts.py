"""The daily overdue and referral-check alerts: when they open, one per person, owned by
the team's doctor, not twice, and resolved by the next follow-up."""

import datetime

import pytest
import time_machine

from shoumen.alerts.models import Alert, Cause
from shoumen.healthcentre.chronic_alerts import chronic_alerts_check
from shoumen.healthcentre.models import Patient
from shoumen.lib.dates import today
from tests.healthcentre.chronic.helpers import record, register

pytestmark = pytest.mark.django_db


def _set(patient, **fields):
    Patient.objects.filter(pk=patient.pk).update(**fields)


def test_a_follow_up_due_today_is_not_overdue_yet_and_yesterdays_is(world):
    patient = register(world)
    _set(patient, next_follow_up_on=today())
    assert chronic_alerts_check()["overdue"] == 0
    _set(patient, next_follow_up_on=today() - datetime.timedelta(days=1))
    assert chronic_alerts_check()["overdue"] == 1
    alert = Alert.objects.get(cause=Cause.HEALTH_FOLLOW_UP_OVERDUE)
    assert alert.owner == world.family_doctor
    assert alert.details["path"] == f"/health/patients/{patient.pk}/"
    assert (alert.due_at - alert.opened_at) == datetime.timedelta(minutes=1440)


def test_a_second_run_opens_nothing_more_and_two_diseases_make_one_alert(world):
    for disease in ("I10", "E11"):
        _set(
            register(world, disease=disease), next_follow_up_on=today() - datetime.timedelta(days=3)
        )
    assert chronic_alerts_check() == {"referral_checks": 0, "overdue": 1}
    assert chronic_alerts_check() == {"referral_checks": 0, "overdue": 0}
    alert = Alert.objects.get()
    assert len(alert.details["patients"]) == 2
    assert "曾丽" not in str(alert.details)


def test_the_referral_check_opens_on_its_day_and_the_next_follow_up_resolves_it(world):
    patient = register(world)
    record(world, patient, systolic=182, diastolic=112)
    patient.refresh_from_db()
    check_day = patient.referral_check_due_on
    assert check_day == today() + datetime.timedelta(days=14)
    with time_machine.travel(
        datetime.datetime.combine(check_day - datetime.timedelta(days=1), datetime.time(7)),
        tick=False,
    ):
        assert chronic_alerts_check()["referral_checks"] == 0
    with time_machine.travel(datetime.datetime.combine(check_day, datetime.time(7)), tick=False):
        assert chronic_alerts_check() == {"referral_checks": 1, "overdue": 0}
        alert = Alert.objects.get(cause=Cause.HEALTH_REFERRAL_CHECK)
        record(world, patient)
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_ended_patients_raise_nothing(world):
    patient = register(world)
    _set(patient, status="ended", next_follow_up_on=today() - datetime.timedelta(days=9))
    assert chronic_alerts_check() == {"referral_checks": 0, "overdue": 0}


def test_the_run_reads_a_few_queries_when_every_alert_is_open(world, django_assert_max_num_queries):
    for person in (world.zeng, world.shan, world.neighbour):
        _set(register(world, person=person), next_follow_up_on=today() - datetime.timedelta(days=2))
    chronic_alerts_check()
    with django_assert_max_num_queries(2):
        chronic_alerts_check()
