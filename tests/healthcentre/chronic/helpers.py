"""Patients and follow-up values for the chronic tests."""

import datetime
import uuid

from shoumen.healthcentre.followup_services import follow_up_record
from shoumen.healthcentre.patient_services import patient_register
from shoumen.lib.dates import today


def register(world, person=None, disease="I10", actor=None):
    patient, _created = patient_register(
        actor=actor or world.family_doctor,
        person=person or world.zeng,
        disease=disease,
        client_uuid=uuid.uuid4(),
    )
    # Registered two months ago, so that follow-ups may be dated back.
    patient.registered_on = today() - datetime.timedelta(days=60)
    patient.save(update_fields=["registered_on"])
    return patient


def values(**overrides):
    base = {
        "date": today(),
        "way": "clinic",
        "systolic": 130,
        "diastolic": 80,
        "fasting_glucose": None,
        "symptoms": [],
        "medication_adherence": "regular",
        "adverse_reaction": False,
        "new_complication": False,
    }
    base.update(overrides)
    return base


def record(world, patient, actor=None, **overrides):
    follow_up, _created = follow_up_record(
        actor=actor or world.family_doctor,
        patient=patient,
        client_uuid=uuid.uuid4(),
        values=values(**overrides),
    )
    return follow_up


def days_after(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)
