"""The health centre's day in the persona world: 单明 asked team 光华一队 for a contract
by its QR code (waiting for the team), 曾丽 signed with it, is a hypertension patient whose
follow-up today read 182/112 (an urgent referral, its alert open) and is booked for this
year's elderly check; the centre's manager opened this quarter's survey."""

import datetime
import uuid

from django.utils import timezone


def health_day(w) -> dict:
    from shoumen.healthcentre.contract_services import contract_request, contract_sign
    from shoumen.healthcentre.elderly_services import elderly_check_book
    from shoumen.healthcentre.followup_services import follow_up_record
    from shoumen.healthcentre.patient_services import patient_register
    from shoumen.healthcentre.survey_services import survey_open

    day = timezone.localdate()
    pending, _ = contract_request(team=w.team_a, person=w.shan, packages=["basic"])
    contract, _ = contract_sign(
        actor=w.family_doctor, person=w.zeng, team=w.team_a, packages=["basic", "elderly"]
    )
    patient, _ = patient_register(
        actor=w.family_doctor, person=w.zeng, disease="I10", client_uuid=uuid.uuid4()
    )
    follow_up, _ = follow_up_record(
        actor=w.family_doctor,
        patient=patient,
        client_uuid=uuid.uuid4(),
        values={
            "date": day,
            "way": "clinic",
            "systolic": 182,
            "diastolic": 112,
            "fasting_glucose": None,
            "symptoms": [],
            "medication_adherence": "regular",
            "adverse_reaction": False,
            "new_complication": False,
        },
    )
    check, _ = elderly_check_book(
        actor=w.family_doctor,
        person=w.zeng,
        year=day.year,
        client_uuid=uuid.uuid4(),
        booked_for=day + datetime.timedelta(days=7),
    )
    quarter = (day.month - 1) // 3 + 1
    survey = survey_open(
        actor=w.centre_manager,
        centre=w.health_centre,
        year=day.year,
        quarter=quarter,
        opens_on=day,
        closes_on=day + datetime.timedelta(days=30),
    )
    return {
        "pending_contract": pending,
        "contract": contract,
        "patient": patient,
        "follow_up": follow_up,
        "elderly_check": check,
        "survey": survey,
    }
