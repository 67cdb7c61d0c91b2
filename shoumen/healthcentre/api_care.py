"""The health centre API: the elderly's annual check, survey results and work points.

A resident or check out of the caller's reach is a 404; roles without
``view_health_records`` anywhere get 403; booking and recording need
``record_follow_ups``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.healthcentre import elderly_selectors as elderly
from shoumen.healthcentre import points_selectors as points
from shoumen.healthcentre import survey_selectors as surveys
from shoumen.healthcentre.care_schemas import (
    AggregateOut,
    ElderlyBookIn,
    ElderlyCheckOut,
    ElderlyDueOut,
    ElderlyDuePage,
    ElderlyFiltersIn,
    ElderlyRecordIn,
    PointsOut,
    PointsPage,
    SurveyResultsOut,
)
from shoumen.healthcentre.elderly_selectors import STATUS_FILTERS
from shoumen.healthcentre.elderly_services import elderly_check_book, elderly_check_record
from shoumen.healthcentre.points_rules import parse_month
from shoumen.lib.dates import today
from shoumen.places.models import OrgUnit
from shoumen.places.selectors import unit_by_code_or_id
from shoumen.registry.schemas import MAX_ID

ERR_STATUS = _("Status: one of due, booked or done.")
ERR_UNIT = _("Unknown community or grid.")
ERR_MONTH = _("Month as YYYY-MM.")

router = Router(tags=["health-centre"])
PathId = Path(..., ge=1, le=MAX_ID)


@router.get(
    "/elderly-checks",
    response={200: ElderlyDuePage, **error_responses(401, 403, 422)},
    summary="Residents due for the elderly check in a year, with their booking or record",
)
def elderly_checks_list(request, filters: Query[ElderlyFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    year = filters.year or today().year
    if filters.status and filters.status not in STATUS_FILTERS:
        raise ValidationError({"status": [ERR_STATUS]})
    unit = None
    if filters.unit:
        try:
            unit = unit_by_code_or_id(elderly.elderly_units(actor), filters.unit)
        except OrgUnit.DoesNotExist:
            raise ValidationError({"unit": [ERR_UNIT]}) from None
    qs = elderly.elderly_due(actor, year=year, status=filters.status, unit=unit)
    counts = elderly.elderly_counts(actor, year=year, unit=unit)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {
        "year": year,
        **counts,
        "count": qs.count(),
        "items": [ElderlyDueOut.of(p, year) for p in items],
    }


@router.post(
    "/elderly-checks",
    response={
        200: ElderlyCheckOut,
        201: ElderlyCheckOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Book a resident's elderly check (201 new; 200 replay of the client UUID)",
)
def elderly_checks_book(request, payload: ElderlyBookIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_FOLLOW_UPS)
    person = elderly.elderly_person_for(actor, payload.person, Perm.RECORD_FOLLOW_UPS)
    check, created = elderly_check_book(
        actor=actor,
        person=person,
        year=payload.year,
        booked_for=payload.booked_for,
        client_uuid=payload.client_uuid,
    )
    return Status(201 if created else 200, ElderlyCheckOut.of(check))


@router.post(
    "/elderly-checks/{id}/record",
    response={200: ElderlyCheckOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a check: self-care score, findings, result and advice",
)
def elderly_checks_record(request, payload: ElderlyRecordIn, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_FOLLOW_UPS)
    check = elderly.elderly_check_for(actor, id)
    check = elderly_check_record(
        actor=actor,
        check=check,
        done_on=payload.done_on,
        self_care_score=payload.self_care_score,
        result=payload.result,
        findings={k: v.dict() for k, v in payload.findings.items()},
        advice=payload.advice,
    )
    return ElderlyCheckOut.of(check)


def _aggregates(rows) -> list[AggregateOut]:
    return [AggregateOut(label=a.label, count=a.count, average=a.average) for a in rows]


@router.get(
    "/surveys/{id}/results",
    response={200: SurveyResultsOut, **error_responses(401, 403, 404, 422)},
    summary="A survey's results: aggregates only, small numbers left out",
)
def survey_results(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    survey = surveys.survey_for(actor, id)
    results = surveys.survey_results(actor, survey)
    return SurveyResultsOut(
        id=survey.pk,
        year=survey.year,
        quarter=survey.quarter,
        responses=results.responses,
        centre_average=results.centre_average,
        teams=_aggregates(results.teams),
        staff=_aggregates(results.staff),
        comments=results.comments,
    )


@router.get(
    "/points",
    response={200: PointsPage, **error_responses(401, 403, 422)},
    summary="The month's work points: every team member's for the manager, else one's own",
)
def points_list(request, month: str = ""):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    first = parse_month(month) if month else today().replace(day=1)
    if first is None:
        raise ValidationError({"month": [ERR_MONTH]})
    centre = points.managed_centres(actor).first()
    users = points.centre_members(centre) if centre is not None else [actor]
    if centre is None:
        centre = points.member_centre(actor)
    rows = points.points_table(centre, first, users) if centre is not None else []
    return {
        "month": first.strftime("%Y-%m"),
        "centre": centre.pk if centre else None,
        "items": [
            PointsOut(
                user=r.user.pk,
                name=str(r.user),
                counts=r.counts,
                rating_count=r.rating_count,
                rating_average=r.rating_shown,
                points=r.points,
                total=r.total,
            )
            for r in rows
        ],
    }
