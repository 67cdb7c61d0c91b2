"""A community's duty set-up over the API: its posts with their shifts and its people on
duty. Permission first (403 for a role that sets duty up nowhere), then scope (404 for a
community outside the caller's jurisdiction). Phones leave masked only."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty import setup_selectors as sel
from shoumen.duty.people_services import (
    ERR_USER_NOT_STAFF,
    ERR_VOLUNTEER_ELSEWHERE,
    duty_person_add,
)
from shoumen.duty.schemas_setup import (
    DutyPersonIn,
    DutyPersonOut,
    DutyPersonPage,
    DutyPostIn,
    DutyPostOut,
    DutyPostPage,
    DutySetupListIn,
)
from shoumen.duty.setup_services import post_create
from shoumen.registry.models import Volunteer

ERR_UNKNOWN_CHECKPOINT = _("There is no such checkpoint in this community.")

router = Router(tags=["duty"])


def _page(qs, page: DutySetupListIn, convert) -> dict:
    start = page.offset
    return {"items": [convert(o) for o in qs[start : start + page.limit]], "count": qs.count()}


def _community(actor, unit: str):
    return sel.community_by_code_or_id(actor, unit) if unit else None


@router.get(
    "/duty/posts",
    response={200: DutyPostPage, **error_responses(401, 403, 404, 422)},
    summary="List a community's duty posts with their shifts",
)
def posts_list(request, filters: Query[DutySetupListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    community = _community(actor, filters.unit)
    return _page(sel.posts_of(actor, community), filters, DutyPostOut.of)


@router.post(
    "/duty/posts",
    response={201: DutyPostOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add a duty post with its shifts",
)
def posts_create(request, payload: DutyPostIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    community = sel.community_by_code_or_id(actor, payload.unit)
    checkpoint = None
    if payload.checkpoint is not None:
        checkpoint = Checkpoint.objects.filter(pk=payload.checkpoint, community=community).first()
        if checkpoint is None:
            raise ValidationError({"checkpoint": [ERR_UNKNOWN_CHECKPOINT]})
    post = post_create(
        actor=actor,
        community=community,
        name=payload.name,
        kind=payload.kind,
        checkpoint=checkpoint,
        team=payload.team or "",
        shifts=[s.dict() for s in payload.shifts],
    )
    return Status(201, DutyPostOut.of(sel.post_for(actor, post.pk)))


@router.get(
    "/duty/people",
    response={200: DutyPersonPage, **error_responses(401, 403, 404, 422)},
    summary="List a community's people on duty (phones masked)",
)
def people_list(request, filters: Query[DutySetupListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    community = _community(actor, filters.unit)
    return _page(sel.people_of(actor, community), filters, DutyPersonOut.of)


@router.post(
    "/duty/people",
    response={201: DutyPersonOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Add a person on duty: a staff member's login, a volunteer, or a new volunteer",
)
def people_create(request, payload: DutyPersonIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    community = sel.community_by_code_or_id(actor, payload.unit)
    user = volunteer = None
    if payload.user is not None:
        user = User.objects.filter(pk=payload.user).first()
        if user is None:
            raise ValidationError({"user": [ERR_USER_NOT_STAFF]})
    if payload.volunteer is not None:
        volunteer = Volunteer.objects.filter(pk=payload.volunteer, community=community).first()
        if volunteer is None:
            raise ValidationError({"volunteer": [ERR_VOLUNTEER_ELSEWHERE]})
    person = duty_person_add(
        actor=actor,
        community=community,
        user=user,
        volunteer=volunteer,
        new_volunteer=payload.new_volunteer.dict() if payload.new_volunteer else None,
        team=payload.team or "",
        is_party_member=payload.is_party_member,
        skills=[str(s) for s in payload.skills],
        birth_year=payload.birth_year,
        max_hours_week=payload.max_hours_week,
        prefers_no_nights=payload.prefers_no_nights,
        prefers_weekends_off=payload.prefers_weekends_off,
    )
    return Status(201, DutyPersonOut.of(sel.person_for(actor, person.pk)))
