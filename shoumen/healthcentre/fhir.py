"""A chronic follow-up as FHIR R4 (the R4B models of ``fhir.resources``) for the regional
health information platform: a Bundle of type collection holding the Patient, the
Condition (ICD-10) and the follow-up's Observations (LOINC).

Privacy: no ID number and no phone. The patient is identified by the centre's own local
identifier (the registry's person id under the centre's system URI), with name, gender
and birth date, as the platform matches them."""

import json
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import Disease, FollowUp

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# The local identifier system: the centre's patients, numbered by the registry's person id.
PATIENT_SYSTEM = "urn:shoumen:health-centre:%(centre)s:patient"
GENDERS = {"M": "male", "F": "female"}
DISEASE_NAMES = {
    Disease.HYPERTENSION: "Essential (primary) hypertension",
    Disease.DIABETES: "Type 2 diabetes mellitus",
}


def _quantity(value: Any, unit: str, code: str) -> dict:
    number = float(value) if isinstance(value, Decimal) else value
    return {"value": number, "unit": unit, "system": UCUM, "code": code}


def _coding(code: str, display: str) -> dict:
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def _observation(fu: FollowUp, oid: str, code: dict, **value: Any) -> dict:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs"}]}
            if oid != f"glucose-{fu.pk}"
            else {"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}
        ],
        "code": code,
        "subject": {"reference": f"Patient/{fu.patient.person_id}"},
        "effectiveDateTime": fu.date.isoformat(),
        **value,
    }


def _observations(fu: FollowUp) -> list[dict]:
    found: list[dict] = []
    if fu.systolic is not None and fu.diastolic is not None:
        found.append(
            _observation(
                fu,
                f"bp-{fu.pk}",
                _coding("85354-9", "Blood pressure panel with all children optional"),
                component=[
                    {
                        "code": _coding("8480-6", "Systolic blood pressure"),
                        "valueQuantity": _quantity(fu.systolic, "mmHg", "mm[Hg]"),
                    },
                    {
                        "code": _coding("8462-4", "Diastolic blood pressure"),
                        "valueQuantity": _quantity(fu.diastolic, "mmHg", "mm[Hg]"),
                    },
                ],
            )
        )
    singles = (
        ("glucose", fu.fasting_glucose, "14749-6", "Glucose [Moles/volume] in Serum or Plasma",
         "mmol/L", "mmol/L"),
        ("weight", fu.weight_kg, "29463-7", "Body weight", "kg", "kg"),
        ("bmi", fu.bmi, "39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", "kg/m2"),
        ("heart-rate", fu.heart_rate, "8867-4", "Heart rate", "beats/minute", "/min"),
    )  # fmt: skip
    for key, value, code, display, unit, ucum in singles:
        if value is not None:
            found.append(
                _observation(
                    fu,
                    f"{key}-{fu.pk}",
                    _coding(code, display),
                    valueQuantity=_quantity(value, unit, ucum),
                )
            )
    return found


def follow_up_bundle(fu: FollowUp) -> Bundle:
    """The follow-up as a validated R4B Bundle (``fu`` with patient__person, __team)."""
    patient = fu.patient
    person = patient.person
    centre = patient.team.centre_id if patient.team is not None else "none"
    fhir_patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "identifier": [
            {"use": "usual", "system": PATIENT_SYSTEM % {"centre": centre}, "value": str(person.pk)}
        ],
        "name": [{"text": person.name}],
        "gender": GENDERS.get(person.sex, "unknown"),
    }
    if person.birth_date:
        fhir_patient["birthDate"] = person.birth_date.isoformat()
    condition = {
        "resourceType": "Condition",
        "id": f"condition-{patient.pk}",
        "clinicalStatus": {
            "coding": [
                {
                    "system": CONDITION_CLINICAL,
                    "code": "active" if patient.status == "active" else "inactive",
                }
            ]
        },
        "code": {
            "coding": [
                {
                    "system": ICD10,
                    "code": patient.disease,
                    "display": DISEASE_NAMES[Disease(patient.disease)],
                }
            ]
        },
        "subject": {"reference": f"Patient/{person.pk}"},
        **({"onsetDateTime": patient.diagnosed_on.isoformat()} if patient.diagnosed_on else {}),
        "recordedDate": patient.registered_on.isoformat(),
    }
    resources = [fhir_patient, condition, *_observations(fu)]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": f"follow-up-{fu.pk}",
            "type": "collection",
            "timestamp": fu.recorded_at.isoformat(),
            "entry": [
                {"fullUrl": f"urn:shoumen:{r['resourceType']}/{r['id']}", "resource": r}
                for r in resources
            ],
        }
    )


def follow_up_fhir_export(*, actor, follow_up: FollowUp) -> dict:
    """The Bundle as plain JSON data, the export audited."""
    data = json.loads(follow_up_bundle(follow_up).model_dump_json())
    audit_event_record(
        actor=actor,
        action="chronic_follow_up.fhir_export",
        target=follow_up,
        org_path=follow_up.patient.grid.path,
        changes={"format": "fhir-r4b", "resources": len(data.get("entry", []))},
    )
    return data
