"""Copies sent at the same moment (PostgreSQL): eight registrations of one person for one
disease keep one patient; eight copies of one follow-up keep one, with one audit event and
one urgent-referral alert; eight different registrations under no client UUID keep one."""

import uuid

import pytest

from shoumen.alerts.models import Alert, Cause
from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.followup_services import follow_up_record
from shoumen.healthcentre.models import FollowUp, Patient
from shoumen.healthcentre.patient_services import patient_register
from tests.concurrency import at_once, postgresql_only
from tests.healthcentre.chronic.helpers import register, values

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_registration_keep_one_patient(world):
    key = uuid.uuid4()
    doctor, person = world.family_doctor, world.zeng

    def send(_i):
        _patient, created = patient_register(
            actor=doctor, person=person, disease="I10", client_uuid=key
        )
        return created

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert Patient.objects.count() == 1


def test_eight_registrations_under_different_uuids_keep_one_active_case(world):
    doctor, person = world.family_doctor, world.zeng

    def send(_i):
        patient, _created = patient_register(
            actor=doctor, person=person, disease="E11", client_uuid=uuid.uuid4()
        )
        return patient.pk

    assert len(set(at_once(send))) == 1
    assert Patient.objects.filter(status="active", disease="E11").count() == 1


def test_eight_copies_of_a_follow_up_keep_one(world):
    patient = register(world)
    key = uuid.uuid4()
    doctor = world.family_doctor

    def send(_i):
        _fu, created = follow_up_record(
            actor=doctor,
            patient=patient,
            client_uuid=key,
            values=values(systolic=182, diastolic=112),
        )
        return created

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert FollowUp.objects.count() == 1
    assert AuditEvent.objects.filter(action="chronic_follow_up.record").count() == 1
    assert Alert.objects.filter(cause=Cause.HEALTH_URGENT_REFERRAL).count() == 1
    patient.refresh_from_db()
    assert patient.consecutive_unsatisfactory == 1
