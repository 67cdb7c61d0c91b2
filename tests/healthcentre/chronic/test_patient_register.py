"""Registering chronic patients: one active case per person and disease, the team, the
refusals, and ending a case."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.alerts.models import Alert, Cause
from shoumen.alerts.services import alert_raise
from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import Patient
from shoumen.healthcentre.patient_services import patient_end, patient_register
from tests.healthcentre.chronic.helpers import register


def test_a_resident_is_registered_with_the_team_serving_their_grid(world):
    patient = register(world)
    assert patient.team == world.team_a
    assert patient.grid_id == world.zeng.grid_id
    assert patient.status == "active"
    assert patient.next_follow_up_on is not None
    assert AuditEvent.objects.filter(action="chronic_patient.register").count() == 1


def test_registering_again_keeps_the_one_active_case(world):
    first = register(world)
    second, created = patient_register(
        actor=world.centre_nurse, person=world.zeng, disease="I10", client_uuid=uuid.uuid4()
    )
    assert (second, created) == (first, False)
    assert Patient.objects.count() == 1


def test_the_same_person_may_have_both_diseases(world):
    register(world, disease="I10")
    register(world, disease="E11")
    assert Patient.objects.filter(person=world.zeng).count() == 2


def test_a_replay_returns_the_first_and_another_person_under_its_uuid_is_refused(world):
    key = uuid.uuid4()
    first, created = patient_register(
        actor=world.family_doctor, person=world.zeng, disease="I10", client_uuid=key
    )
    again, replayed = patient_register(
        actor=world.family_doctor, person=world.zeng, disease="I10", client_uuid=key
    )
    assert created and not replayed and again == first
    with pytest.raises(ValidationError):
        patient_register(
            actor=world.family_doctor, person=world.shan, disease="I10", client_uuid=key
        )


def test_an_unknown_disease_is_refused(world):
    with pytest.raises(ValidationError):
        patient_register(actor=world.family_doctor, person=world.zeng, disease="J45")


@pytest.mark.parametrize("persona", ["grid_worker", "street_officer", "outsider"])
def test_others_than_the_centre_may_not_register(world, persona):
    with pytest.raises(PermissionDenied):
        patient_register(actor=getattr(world, persona), person=world.zeng, disease="I10")


def test_an_ended_case_lets_the_person_be_registered_again(world):
    first = register(world)
    patient_end(actor=world.family_doctor, patient=first, reason="moved")
    first.refresh_from_db()
    assert (first.status, first.end_reason) == ("ended", "moved")
    assert first.ended_on is not None
    second = register(world)
    assert second.pk != first.pk


def test_ending_needs_a_known_reason_and_an_active_case(world):
    patient = register(world)
    with pytest.raises(ValidationError):
        patient_end(actor=world.family_doctor, patient=patient, reason="bored")
    patient_end(actor=world.family_doctor, patient=patient, reason="died")
    with pytest.raises(ValidationError):
        patient_end(actor=world.family_doctor, patient=patient, reason="died")


def test_ending_a_case_closes_the_persons_open_follow_up_alerts(world):
    patient = register(world)
    alert, _created = alert_raise(
        person=world.zeng,
        cause=Cause.HEALTH_FOLLOW_UP_OVERDUE,
        details={"patients": [patient.pk]},
        due_minutes=60,
    )
    patient_end(actor=world.family_doctor, patient=patient, reason="died")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == ("resolved", "other")
    assert not Alert.objects.filter(status="open").exists()
