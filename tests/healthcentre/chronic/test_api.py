"""The chronic API: patients registered once, follow-ups recorded once with the rules'
answer, 422 naming the field, scoping, and the FHIR export."""

import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle

from shoumen.healthcentre.models import FollowUp, Patient
from shoumen.lib.dates import today
from tests.healthcentre.chronic.helpers import record, register

pytestmark = pytest.mark.django_db
BASE = "/health-centre"


def _follow_up(patient, **kw):
    return {
        "client_uuid": str(uuid.uuid4()),
        "patient": patient.pk,
        "date": today().isoformat(),
        "way": "home",
        "systolic": 182,
        "diastolic": 112,
        "symptoms": ["headache_dizziness"],
        "adherence": "regular",
        "adverse_reaction": False,
        "medications": [{"name": "氨氯地平", "dose": "5mg qd"}],
        **kw,
    }


def test_a_patient_is_registered_once_and_a_replay_answers_200(world, api):
    client = api(world.family_doctor)
    body = {"client_uuid": str(uuid.uuid4()), "person": world.zeng.pk, "disease": "I10"}
    first = client.post(f"{BASE}/patients", body)
    again = client.post(f"{BASE}/patients", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["person_name"] == "曾*"
    assert Patient.objects.count() == 1
    listed = client.get(f"{BASE}/patients").json()
    assert listed["count"] == 1
    assert client.get(f"{BASE}/patients/{first.json()['id']}").status_code == 200


def test_a_follow_up_answers_the_rules_and_a_replay_answers_200(world, api):
    patient = register(world)
    client = api(world.family_doctor)
    body = _follow_up(patient)
    first = client.post(f"{BASE}/follow-ups", body)
    again = client.post(f"{BASE}/follow-ups", body)
    assert (first.status_code, again.status_code) == (201, 200)
    data = first.json()
    assert (data["classification"], data["referral"]) == ("unsatisfactory", "urgent")
    assert data["id"] == again.json()["id"]
    assert FollowUp.objects.get().medications == [{"name": "氨氯地平", "dose": "5mg qd"}]
    assert client.get(f"{BASE}/follow-ups/{data['id']}").json()["referral"] == "urgent"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"systolic": 301}, "systolic"),
        ({"way": "fax"}, "way"),
        ({"adherence": "sometimes"}, "medication_adherence"),
        ({"systolic": None}, "systolic"),
    ],
)
def test_a_bad_value_is_a_422_naming_the_field(world, api, kw, field):
    patient = register(world)
    response = api(world.family_doctor).post(f"{BASE}/follow-ups", _follow_up(patient, **kw))
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_list_filters_by_due_and_refuses_another_value(world, api):
    register(world)
    client = api(world.family_doctor)
    assert client.get(f"{BASE}/patients", due="due").json()["count"] == 0
    refused = client.get(f"{BASE}/patients", due="soon")
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["due"]


@pytest.mark.parametrize("persona", ["grid_worker", "street_officer", "district_officer"])
def test_patient_data_is_not_for_officers_or_grid_workers(world, api, persona):
    patient = register(world)
    fu = record(world, patient)
    client = api(getattr(world, persona))
    assert client.get(f"{BASE}/patients").status_code == 403
    assert client.get(f"{BASE}/patients/{patient.pk}").status_code in (403, 404)
    assert client.get(f"{BASE}/follow-ups/{fu.pk}/fhir").status_code in (403, 404)
    assert client.post(f"{BASE}/follow-ups", _follow_up(patient)).status_code in (403, 404)


def test_a_patient_out_of_reach_is_a_404(world, api):
    patient = register(world, person=world.outsider_person, actor=world.admin_user)
    client = api(world.family_doctor)
    assert client.get(f"{BASE}/patients/{patient.pk}").status_code == 404
    assert client.post(f"{BASE}/follow-ups", _follow_up(patient)).status_code == 404


def test_the_fhir_export_validates(world, api):
    fu = record(world, register(world))
    response = api(world.family_doctor).get(f"{BASE}/follow-ups/{fu.pk}/fhir")
    assert response.status_code == 200
    Bundle.model_validate(response.json())
    assert "110105195001010020" not in response.content.decode()
