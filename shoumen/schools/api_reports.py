"""School daily reports over the API (their reporting rates: ``GET /reporting-rates`` in
shoumen.reports.api_daily, beside the units' daily report).

``POST /school-reports/{id}/confirm``: ``{id}`` is the school's id; the body names the day
(default today). 201 when confirmed now, 200 when it was confirmed already (the stored
report answers)."""

import datetime

from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.lib.dates import today
from shoumen.registry.schemas import MAX_ID
from shoumen.schools import calendar
from shoumen.schools.daily_services import daily_report_confirm
from shoumen.schools.models import DailyReport, School
from shoumen.schools.schemas_reports import (
    ConfirmIn,
    SchoolReportOut,
    SchoolReportsIn,
)
from shoumen.schools.selectors import school_for, schools_visible_to

router = Router(tags=["schools"])
PathId = Path(..., ge=1, le=MAX_ID)


def _out(school: School, day: datetime.date, report: DailyReport | None, open_day: bool):
    return SchoolReportOut(
        school=school.pk,
        school_name=school.unit.name,
        date=day,
        school_day=open_day,
        confirmed=report is not None,
        confirmed_at=report.confirmed_at if report else None,
        on_time=report.on_time if report else None,
        nothing_found=report.nothing_found if report else None,
        remarks=report.remarks if report else "",
        figures=report.figures if report else {},
    )


@router.get(
    "/school-reports",
    response={200: list[SchoolReportOut], **error_responses(401, 403, 422)},
    summary="Each school's daily report of a day, confirmed or still waiting",
)
def school_reports_list(request, filters: Query[SchoolReportsIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    day = filters.date or today()
    schools = list(schools_visible_to(actor).order_by("unit__path"))
    found = DailyReport.objects.filter(school_id__in=[s.pk for s in schools], date=day)
    reports = {r.school_id: r for r in found}
    working = calendar.is_working_day(day)
    terms = calendar.terms_of(s.pk for s in schools)
    return [
        _out(s, day, reports.get(s.pk), working and calendar.in_term(terms.get(s.pk), day))
        for s in schools
    ]


@router.post(
    "/school-reports/{id}/confirm",
    response={
        200: SchoolReportOut,
        201: SchoolReportOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Confirm a school's daily report ({id}: the school; 201 new, 200 already confirmed)",
)
def school_report_confirm(request, payload: ConfirmIn, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.REPORT_SCHOOL)
    school = school_for(actor, id)
    day = payload.date or today()
    report, created = daily_report_confirm(
        actor=actor, school=school, date=day, remarks=payload.remarks
    )
    return Status(201 if created else 200, _out(school, day, report, True))
