"""Illness absences over the API: the list (masked, paginated) and a day's follow-up
(idempotent on ``client_uuid``: 201 new, 200 replay)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.api.responses import error_responses
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.names import mask_name
from shoumen.registry.schemas import MAX_ID
from shoumen.schools import absence_selectors as sel
from shoumen.schools.absence_services import absence_follow_up_record
from shoumen.schools.models import Absence, AbsenceFollowUp, AbsenceStatus
from shoumen.schools.schemas_absences import (
    AbsenceFiltersIn,
    AbsenceOut,
    AbsencePage,
    FollowUpIn,
    FollowUpOut,
)

ERR_UNKNOWN_SCHOOL = _("There is no school with this id in your jurisdiction.")

router = Router(tags=["schools"])
PathId = Path(..., ge=1, le=MAX_ID)


def _absence_out(absence: Absence, day) -> AbsenceOut:
    return AbsenceOut(
        id=absence.pk,
        pupil=absence.pupil_id,
        pupil_name=mask_name(absence.pupil.name),
        school=absence.school_id,
        school_class=absence.klass_id,
        class_name=str(absence.klass),
        first_day=absence.first_day,
        days_absent=sel.days_absent(absence, day),
        symptoms=list(absence.symptoms),
        onset_date=absence.onset_date,
        saw_doctor=absence.saw_doctor,
        disease=absence.disease.code if absence.disease else None,
        diagnosis_note=absence.diagnosis_note,
        status=AbsenceStatus(absence.status),
        reported_by_guardian=absence.reported_by_guardian,
        last_follow_up=getattr(absence, "last_follow_up", None),
        follow_up_due=sel.follow_up_due(absence, day),
        returned_on=absence.returned_on,
        return_pending=absence.pupil.return_pending,
    )


@router.get(
    "/absences",
    response={200: AbsencePage, **error_responses(401, 403, 422)},
    summary="List illness absences (open ones first; pupils' names masked)",
)
def absences_list(request, filters: Query[AbsenceFiltersIn]):
    actor = request.auth
    if not can(actor, Perm.VIEW_SCHOOLS):
        raise deny()
    visible = sel.absence_schools_for(actor)
    if filters.school is not None and not visible.filter(pk=filters.school).exists():
        raise ValidationError({"school": [ERR_UNKNOWN_SCHOOL]})
    qs = sel.absences_list(actor, school_id=filters.school, status=filters.status)
    items = qs[filters.offset : filters.offset + filters.limit]
    day = today()
    return {"items": [_absence_out(a, day) for a in items], "count": qs.count()}


def _follow_up_out(follow_up: AbsenceFollowUp, absence: Absence) -> FollowUpOut:
    return FollowUpOut(
        id=follow_up.pk,
        client_uuid=follow_up.client_uuid,
        absence=follow_up.absence_id,
        date=follow_up.date,
        reached=follow_up.reached,
        course=follow_up.course,
        disease=follow_up.disease.code if follow_up.disease else None,
        diagnosis_note=follow_up.diagnosis_note,
        note=follow_up.note,
        recorded_at=follow_up.recorded_at,
        absence_status=AbsenceStatus(absence.status),
    )


@router.post(
    "/absences/{id}/follow-ups",
    response={
        200: FollowUpOut,
        201: FollowUpOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Record a day's follow-up of an absence (201 new; 200 for a replayed client_uuid)",
)
def absence_follow_ups_create(request, payload: FollowUpIn, id: int = PathId):
    actor = request.auth
    if not can(actor, Perm.FOLLOW_UP_ABSENCES):
        raise deny()
    absence = sel.absence_for(actor, pk=id)
    follow_up, created = absence_follow_up_record(
        actor=actor,
        absence=absence,
        client_uuid=payload.client_uuid,
        date=payload.date,
        reached=payload.reached,
        course=payload.course,
        disease_code=payload.disease,
        diagnosis_note=payload.diagnosis_note,
        note=payload.note,
    )
    follow_up = AbsenceFollowUp.objects.select_related("disease", "absence").get(pk=follow_up.pk)
    return Status(201 if created else 200, _follow_up_out(follow_up, follow_up.absence))
