"""The health centre API: chronic disease patients and their follow-ups.

A patient or follow-up out of the caller's reach is a 404; reading needs
VIEW_HEALTH_RECORDS, registering and recording RECORD_FOLLOW_UPS (403 for a role without
it anywhere). Registering and recording are idempotent on ``client_uuid``."""

from django.http import HttpResponse, JsonResponse
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.healthcentre import patient_selectors as selectors
from shoumen.healthcentre.chronic_schemas import (
    ChronicFollowUpIn,
    ChronicFollowUpOut,
    PatientFiltersIn,
    PatientIn,
    PatientOut,
    PatientPage,
)
from shoumen.healthcentre.fhir import follow_up_fhir_export
from shoumen.healthcentre.followup_services import follow_up_record
from shoumen.healthcentre.models import Team
from shoumen.healthcentre.patient_services import patient_register
from shoumen.registry.schemas import MAX_ID
from shoumen.registry.selectors import person_for

router = Router(tags=["health-centre"])
PathId = Path(..., ge=1, le=MAX_ID)


@router.get(
    "/patients",
    response={200: PatientPage, **error_responses(401, 403, 422)},
    summary="List the chronic disease patients under management in your reach",
)
def patients_list(request, filters: Query[PatientFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    team = Team.objects.filter(pk=filters.team).first() if filters.team else None
    qs = selectors.patients_list(
        actor,
        disease=filters.disease,
        team=team,
        due=filters.due,
        referral_due=filters.referral_due,
        uncontrolled=filters.uncontrolled,
    )
    if filters.team and team is None:
        qs = qs.none()
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [PatientOut.of(p) for p in items], "count": qs.count()}


@router.post(
    "/patients",
    response={200: PatientOut, 201: PatientOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Register a resident as a hypertension or diabetes patient (201 new; 200 "
    "replay or already under management)",
)
def patients_create(request, payload: PatientIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_FOLLOW_UPS)
    person = person_for(actor, pk=payload.person, perm=Perm.RECORD_FOLLOW_UPS)
    patient, created = patient_register(
        actor=actor,
        person=person,
        disease=payload.disease,
        source=payload.source,
        diagnosed_on=payload.diagnosed_on,
        client_uuid=payload.client_uuid,
    )
    return Status(201 if created else 200, PatientOut.of(selectors.patient_for(actor, patient.pk)))


@router.get(
    "/patients/{id}",
    response={200: PatientOut, **error_responses(401, 403, 404, 422)},
    summary="One chronic disease patient with their plan",
)
def patients_get(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    return PatientOut.of(selectors.patient_for(actor, id))


@router.post(
    "/follow-ups",
    response={
        200: ChronicFollowUpOut,
        201: ChronicFollowUpOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Record a follow-up: classified, referred and planned by the national standard's "
    "rules (201 new; 200 replay)",
)
def follow_ups_create(request, payload: ChronicFollowUpIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_FOLLOW_UPS)
    patient = selectors.patient_for(actor, payload.patient)
    follow_up, created = follow_up_record(
        actor=actor, patient=patient, client_uuid=payload.client_uuid, values=payload.values()
    )
    return Status(201 if created else 200, ChronicFollowUpOut.of(follow_up))


@router.get(
    "/follow-ups/{id}",
    response={200: ChronicFollowUpOut, **error_responses(401, 403, 404, 422)},
    summary="One follow-up",
)
def follow_ups_get(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    return ChronicFollowUpOut.of(selectors.follow_up_for(actor, id))


@router.get(
    "/follow-ups/{id}/fhir",
    response={200: dict, **error_responses(401, 403, 404, 422)},
    summary="One follow-up as a FHIR R4 Bundle (collection): Patient, Condition (ICD-10), "
    "Observations (LOINC); audited as an export",
)
def follow_ups_fhir(request, id: int = PathId) -> HttpResponse:
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    record = selectors.follow_up_for(actor, id)
    data = follow_up_fhir_export(actor=actor, follow_up=record)
    return JsonResponse(data, content_type="application/fhir+json")
