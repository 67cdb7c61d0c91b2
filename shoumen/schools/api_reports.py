"""School daily reports and reporting rates over the API.

``POST /school-reports/{id}/confirm``: ``{id}`` is the school's id; the body names the day
(default today). 201 when confirmed now, 200 when it was confirmed already (the stored
report answers)."""

import datetime

from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, require_somewhere
from shoumen.api.responses import error_responses
from shoumen.lib.dates import today
from shoumen.places.models import OrgUnit
from shoumen.registry.schemas import MAX_ID
from shoumen.schools import calendar
from shoumen.schools.daily_services import daily_report_confirm
from shoumen.schools.models import DailyReport, School
from shoumen.schools.rates import reporting_rates
from shoumen.schools.schemas_reports import (
    ConfirmIn,
    RatesIn,
    RatesOut,
    SchoolReportOut,
    SchoolReportsIn,
)
from shoumen.schools.selectors import school_for, schools_visible_to

router = Router(tags=["schools"])
PathId = Path(..., ge=1, le=MAX_ID)
RATES_DEFAULT_DAYS = 7


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


@router.get(
    "/reporting-rates",
    response={200: RatesOut, **error_responses(401, 403, 404, 422)},
    by_alias=True,
    summary="Reporting rates (expected, actual, on time) per school and summed up the tree",
)
def reporting_rates_get(request, filters: Query[RatesIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    unit = OrgUnit.objects.get(code=filters.unit)
    if not covers(actor, Perm.VIEW_SCHOOLS, unit.path):
        raise OrgUnit.DoesNotExist
    end = filters.end or today()
    start = filters.start or end - datetime.timedelta(days=RATES_DEFAULT_DAYS - 1)
    rates = reporting_rates(actor=actor, kind=filters.kind, unit=unit, start=start, end=end)

    def sums(rate) -> dict:
        return {"expected": rate.expected, "actual": rate.actual, "on_time": rate.on_time}

    return {
        "kind": rates.kind,
        "unit": unit.code,
        "from": rates.start,
        "to": rates.end,
        **sums(rates.total),
        "units": [
            {"code": u.unit.code, "name": u.unit.name, "level": u.unit.level, **sums(u)}
            for u in rates.units
        ],
        "schools": [
            {
                "school": s.school.pk,
                "code": s.school.unit.code,
                "name": s.school.unit.name,
                "late": s.late,
                "missing": s.missing,
                **sums(s),
            }
            for s in rates.schools
        ],
        "days": [{"date": d, **sums(r)} for d, r in rates.days],
        "weeks": [{"week": w, "monday": m, **sums(r)} for w, m, r in rates.weeks],
    }
