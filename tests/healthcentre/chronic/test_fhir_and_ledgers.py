"""A follow-up as FHIR R4B (validated by parsing back with the models) and the follow-up
ledgers: codes, units, masked identifiers, access and the audit trail."""

import io
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.fhir import follow_up_bundle
from tests.healthcentre.chronic.helpers import record, register

pytestmark = pytest.mark.django_db

ID_ZENG = "110105195001010020"


def _resources(data, kind):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_a_hypertension_follow_up_is_a_valid_bundle_with_loinc_and_icd10(world):
    patient = register(world)
    fu = record(
        world,
        patient,
        systolic=182,
        diastolic=112,
        weight_kg="62.5",
        height_cm="158",
        heart_rate=88,
    )
    data = json.loads(follow_up_bundle(fu).model_dump_json())
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    (panel,) = [
        o for o in _resources(data, "Observation") if o["code"]["coding"][0]["code"] == "85354-9"
    ]
    components = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in panel["component"]}
    assert components["8480-6"] == {
        "value": 182,
        "unit": "mmHg",
        "system": "http://unitsofmeasure.org",
        "code": "mm[Hg]",
    }
    assert components["8462-4"]["value"] == 112
    codes = {o["code"]["coding"][0]["code"] for o in _resources(data, "Observation")}
    assert {"85354-9", "29463-7", "39156-5", "8867-4"} <= codes
    (condition,) = _resources(data, "Condition")
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "I10",
        "display": "Essential (primary) hypertension",
    }
    (person,) = _resources(data, "Patient")
    assert person["gender"] == "female" and person["birthDate"] == "1950-01-01"


def test_a_diabetes_follow_up_carries_glucose_in_mmol_per_litre(world):
    patient = register(world, disease="E11")
    data = json.loads(
        follow_up_bundle(record(world, patient, fasting_glucose="7.4")).model_dump_json()
    )
    Bundle.model_validate(data)
    (glucose,) = [
        o for o in _resources(data, "Observation") if o["code"]["coding"][0]["code"] == "14749-6"
    ]
    assert glucose["valueQuantity"]["value"] == 7.4
    assert glucose["valueQuantity"]["code"] == "mmol/L"
    assert _resources(data, "Condition")[0]["code"]["coding"][0]["code"] == "E11"


def test_the_fhir_export_holds_no_id_number_and_is_audited(world, login):
    patient = register(world)
    fu = record(world, patient)
    response = login(world.family_doctor).get(f"/health/follow-ups/{fu.pk}/fhir.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    assert ID_ZENG not in text and ID_ZENG[-4:] not in text
    Bundle.model_validate(json.loads(text))
    assert AuditEvent.objects.filter(action="chronic_follow_up.fhir_export").count() == 1


@pytest.mark.parametrize(("persona", "status"), [("grid_worker", 403), ("district_officer", 403)])
def test_the_fhir_export_is_for_the_centre(world, login, persona, status):
    fu = record(world, register(world))
    assert (
        login(getattr(world, persona)).get(f"/health/follow-ups/{fu.pk}/fhir.json").status_code
        == status
    )


def _sheet(response):
    wb = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in wb.active.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("url", "disease"),
    [("/health/ledgers/hypertension.xlsx", "I10"), ("/health/ledgers/diabetes.xlsx", "E11")],
)
def test_the_ledgers_list_the_years_follow_ups_with_masked_id_numbers(world, login, url, disease):
    patient = register(world, disease=disease)
    record(world, patient, fasting_glucose="6.1" if disease == "E11" else None)
    response = login(world.family_doctor).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    rows = _sheet(response)
    text = json.dumps(rows, default=str, ensure_ascii=False)
    assert "曾丽" in text
    assert ID_ZENG not in text
    assert AuditEvent.objects.filter(action="chronic_follow_up.ledger_export").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("centre_nurse", 403), ("grid_worker", 403), ("street_officer", 403)]
)
def test_the_ledgers_need_the_export_right(world, login, persona, status):
    assert (
        login(getattr(world, persona)).get("/health/ledgers/hypertension.xlsx").status_code
        == status
    )
