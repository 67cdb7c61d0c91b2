"""Recording follow-ups: the plan they set, the alerts they raise and resolve, replays
and the refusals with their field errors."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.alerts.models import Alert, Cause
from shoumen.alerts.services import alert_raise
from shoumen.healthcentre.followup_services import follow_up_preview, follow_up_record
from shoumen.healthcentre.models import FollowUp
from shoumen.healthcentre.patient_services import patient_end
from shoumen.lib.dates import today
from tests.healthcentre.chronic.helpers import days_after, record, register, values


def test_a_controlled_follow_up_sets_the_next_date_a_quarter_on(world):
    patient = register(world)
    follow_up = record(world, patient, systolic=128, diastolic=82, weight_kg="60", height_cm="160")
    patient.refresh_from_db()
    assert follow_up.classification == "satisfactory"
    assert follow_up.bmi == Decimal("23.4")
    assert patient.next_follow_up_on == days_after(today(), 90)
    assert (patient.last_classification, patient.consecutive_unsatisfactory) == ("satisfactory", 0)
    assert patient.referral_check_due_on is None


def test_two_uncontrolled_in_a_row_refer_and_set_the_referral_check(world):
    patient = register(world)
    first = record(world, patient, date=days_after(today(), -14), systolic=150, diastolic=95)
    assert (first.classification, first.referral) == ("unsatisfactory", "none")
    patient.refresh_from_db()
    assert patient.consecutive_unsatisfactory == 1
    second = record(world, patient, systolic=152, diastolic=96)
    patient.refresh_from_db()
    assert second.referral == "routine"
    assert patient.consecutive_unsatisfactory == 2
    assert patient.referral_check_due_on == days_after(today(), 14)


def test_the_next_follow_up_clears_the_referral_check(world):
    patient = register(world)
    record(world, patient, date=days_after(today(), -3), systolic=182, diastolic=112)
    patient.refresh_from_db()
    assert patient.referral_check_due_on == days_after(today(), 11)
    record(world, patient, systolic=130, diastolic=80)
    patient.refresh_from_db()
    assert patient.referral_check_due_on is None
    assert patient.consecutive_unsatisfactory == 0


def test_an_urgent_reading_opens_an_alert_for_the_teams_doctor_without_a_name(world):
    patient = register(world)
    follow_up = record(world, patient, actor=world.centre_nurse, systolic=182, diastolic=112)
    alert = Alert.objects.get(cause=Cause.HEALTH_URGENT_REFERRAL)
    assert alert.person_id == world.zeng.pk
    assert alert.owner == world.family_doctor
    assert alert.details["follow_up"] == follow_up.pk
    assert "曾丽" not in str(alert.details)
    due = (alert.due_at - alert.opened_at).total_seconds() / 60
    assert due == 120


def test_a_follow_up_resolves_the_open_referral_check(world):
    patient = register(world)
    alert, _created = alert_raise(
        person=world.zeng,
        cause=Cause.HEALTH_REFERRAL_CHECK,
        details={"patient": patient.pk},
        due_minutes=60,
    )
    record(world, patient)
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_a_replay_returns_the_first_and_writes_nothing_more(world):
    patient = register(world)
    key = uuid.uuid4()
    first, created = follow_up_record(
        actor=world.family_doctor, patient=patient, client_uuid=key, values=values()
    )
    again, replayed = follow_up_record(
        actor=world.family_doctor,
        patient=patient,
        client_uuid=key,
        values=values(systolic=190, diastolic=120),
    )
    assert created and not replayed and again.pk == first.pk
    assert FollowUp.objects.count() == 1
    assert not Alert.objects.filter(cause=Cause.HEALTH_URGENT_REFERRAL).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"systolic": 59}, "systolic"),
        ({"systolic": 301}, "systolic"),
        ({"diastolic": 29}, "diastolic"),
        ({"diastolic": 201}, "diastolic"),
        ({"systolic": 90, "diastolic": 90}, "systolic"),
        ({"systolic": None}, "systolic"),
        ({"weight_kg": "19"}, "weight_kg"),
        ({"weight_kg": "301"}, "weight_kg"),
        ({"way": "fax"}, "way"),
        ({"medication_adherence": ""}, "medication_adherence"),
        ({"symptoms": ["hiccups"]}, "symptoms"),
        ({"date": datetime.date(2000, 1, 1)}, "date"),
        ({"medications": [{"name": ""}]}, "medications"),
    ],
)
def test_values_out_of_range_are_refused_with_field_errors(world, overrides, field):
    patient = register(world)
    with pytest.raises(ValidationError) as refused:
        record(world, patient, **overrides)
    assert field in refused.value.message_dict
    assert FollowUp.objects.count() == 0


def test_a_date_in_the_future_is_refused(world):
    patient = register(world)
    with pytest.raises(ValidationError) as refused:
        record(world, patient, date=days_after(today(), 1))
    assert "date" in refused.value.message_dict


@pytest.mark.parametrize(
    ("glucose", "ok"), [("0.9", False), ("1.0", True), ("40.0", True), ("40.1", False)]
)
def test_diabetes_needs_a_glucose_in_range(world, glucose, ok):
    patient = register(world, disease="E11")
    if ok:
        assert record(world, patient, fasting_glucose=glucose).fasting_glucose == Decimal(glucose)
    else:
        with pytest.raises(ValidationError):
            record(world, patient, fasting_glucose=glucose)


def test_diabetes_without_glucose_is_refused(world):
    patient = register(world, disease="E11")
    with pytest.raises(ValidationError) as refused:
        record(world, patient)
    assert "fasting_glucose" in refused.value.message_dict


def test_an_ended_patient_gets_no_follow_up(world):
    patient = register(world)
    patient_end(actor=world.family_doctor, patient=patient, reason="moved")
    with pytest.raises(ValidationError):
        record(world, patient)


@pytest.mark.parametrize("persona", ["grid_worker", "community_staff", "outsider"])
def test_others_than_the_centre_may_not_record(world, persona):
    patient = register(world)
    with pytest.raises(PermissionDenied):
        record(world, patient, actor=getattr(world, persona))


def test_the_preview_writes_nothing(world):
    patient = register(world)
    assessment = follow_up_preview(patient=patient, values=values(systolic=182, diastolic=112))
    assert (assessment.referral, assessment.classification) == ("urgent", "unsatisfactory")
    assert FollowUp.objects.count() == 0
    assert not Alert.objects.exists()


def test_an_earlier_follow_up_entered_late_leaves_the_plan(world):
    patient = register(world)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        patient.registered_on = datetime.date(2026, 1, 1)
        patient.save()
        record(world, patient, date=datetime.date(2026, 2, 20))
        record(world, patient, date=datetime.date(2026, 2, 1), systolic=150, diastolic=95)
    patient.refresh_from_db()
    assert patient.last_classification == "satisfactory"
    assert patient.next_follow_up_on == datetime.date(2026, 5, 21)
