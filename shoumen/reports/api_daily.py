"""The units' daily reports and the reporting rates over the API.

``GET /daily-reports?unit=CODE&date=DAY``: a community's, street's or district's report of
a day (default today). A grid, a school or any other unit has no daily report: 404, as for
a unit outside the caller's jurisdiction. A day still to come: 422.

``POST /daily-reports/{id}/confirm``: ``{id}`` is the org unit's id (the ``id`` of the
GET); the body names the day (default today). 201 when confirmed now, 200 when it was
confirmed already (the stored report answers).

``GET /reporting-rates?kind=...``: ``school_daily`` (the schools' daily report, for those
who see the schools) or ``unit_daily`` (the communities' daily report, for those who see
the residents' figures)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, require_somewhere
from shoumen.api.responses import error_responses
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.metrics import shown
from shoumen.places.models import OrgUnit
from shoumen.registry.schemas import MAX_ID
from shoumen.reports.daily import (
    REPORT_LEVELS,
    DayReport,
    confirmable,
    daily_report_of,
    may_see_reports,
)
from shoumen.reports.daily_services import daily_report_confirm
from shoumen.reports.rates import UNIT_DAILY, unit_report_rates
from shoumen.reports.schemas_daily import (
    DailyReportConfirmIn,
    DailyReportIn,
    DailyReportOut,
    RatesIn,
    RatesOut,
)
from shoumen.reports.selectors import sees_figures_at
from shoumen.schools.rates import ERR_UNKNOWN_KIND, SCHOOL_DAILY, reporting_rates

router = Router(tags=["reports"])
PathId = Path(..., ge=1, le=MAX_ID)
RATES_DEFAULT_DAYS = 7
KINDS = (SCHOOL_DAILY, UNIT_DAILY)
ERR_DAY_OUT_OF_RANGE = _("This day is out of range.")


def _out(day: DayReport) -> dict:
    unit, report = day.unit, day.report
    return {
        "id": unit.pk,
        "unit": unit.code,
        "name": unit.name,
        "level": unit.level,
        "date": day.date,
        # In UTC, as every time the API answers (local times of old days are not whole
        # minutes off UTC, which a date-time cannot say).
        "deadline": day.deadline.astimezone(datetime.UTC),
        "confirmed_at": report.confirmed_at if report else None,
        "confirmed_by": str(report.confirmed_by) if report and report.confirmed_by else None,
        "on_time": report.on_time if report else None,
        "zero": day.zero,
        "remarks": report.remarks if report else "",
        "narrative": day.text,
        "figures": [
            {"metric": m.name, "label": str(m.label), "unit": m.unit, "value": shown(v)}
            for m, v in day.rows
        ],
        "sub_units": [
            {
                "unit": s.unit.code,
                "name": s.unit.name,
                "confirmed_at": s.report.confirmed_at if s.report else None,
                "on_time": s.report.on_time if s.report else None,
                "zero": s.report.zero if s.report else None,
            }
            for s in day.sub_units
        ],
    }


@router.get(
    "/daily-reports",
    response={200: DailyReportOut, **error_responses(401, 403, 404, 422)},
    summary="A community's, street's or district's daily report of a day",
)
def daily_report_get(request, filters: Query[DailyReportIn]):
    actor = request.auth
    if not may_see_reports(actor):
        raise deny()
    day = filters.date or today()
    unit = OrgUnit.objects.get(code=filters.unit)
    return _out(daily_report_of(actor, unit, day))


@router.post(
    "/daily-reports/{id}/confirm",
    response={
        200: DailyReportOut,
        201: DailyReportOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Confirm a unit's daily report ({id}: the org unit; 201 new, 200 already confirmed)",
)
def daily_report_confirm_post(request, payload: DailyReportConfirmIn, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.CONFIRM_DAILY_REPORT)
    unit = OrgUnit.objects.get(pk=id)
    if not (confirmable(actor, unit) and sees_figures_at(actor, unit.path)):
        raise OrgUnit.DoesNotExist
    day = payload.date or today()
    _report, created = daily_report_confirm(
        actor=actor, unit=unit, date=day, remarks=payload.remarks
    )
    return Status(201 if created else 200, _out(daily_report_of(actor, unit, day)))


def _period(filters: RatesIn) -> tuple[datetime.date, datetime.date]:
    end = filters.end or today()
    try:
        start = filters.start or end - datetime.timedelta(days=RATES_DEFAULT_DAYS - 1)
    except OverflowError:
        raise ValidationError({"to": [ERR_DAY_OUT_OF_RANGE]}) from None
    return start, end


def _sums(rate) -> dict:
    return {"expected": rate.expected, "actual": rate.actual, "on_time": rate.on_time}


def _rates_out(kind: str, unit: OrgUnit, rates) -> dict:
    """What every kind of rates answers; the reporters' rows are added by kind."""
    return {
        "kind": kind,
        "unit": unit.code,
        "from": rates.start,
        "to": rates.end,
        **_sums(rates.total),
        "units": [
            {"code": u.unit.code, "name": u.unit.name, "level": u.unit.level, **_sums(u)}
            for u in rates.units
        ],
        "schools": [],
        "communities": [],
        "days": [{"date": d, **_sums(r)} for d, r in rates.days],
        "weeks": [{"week": w, "monday": m, **_sums(r)} for w, m, r in rates.weeks],
    }


def _school_rates(actor, filters: RatesIn) -> dict:
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    unit = OrgUnit.objects.get(code=filters.unit)
    if not covers(actor, Perm.VIEW_SCHOOLS, unit.path):
        raise OrgUnit.DoesNotExist
    start, end = _period(filters)
    rates = reporting_rates(actor=actor, kind=SCHOOL_DAILY, unit=unit, start=start, end=end)
    return {
        **_rates_out(SCHOOL_DAILY, unit, rates),
        "schools": [
            {
                "school": s.school.pk,
                "code": s.school.unit.code,
                "name": s.school.unit.name,
                "late": s.late,
                "missing": s.missing,
                **_sums(s),
            }
            for s in rates.schools
        ],
    }


def _unit_rates(actor, filters: RatesIn) -> dict:
    if not may_see_reports(actor):
        raise deny()
    unit = OrgUnit.objects.get(code=filters.unit)
    if unit.level not in REPORT_LEVELS or not sees_figures_at(actor, unit.path):
        raise OrgUnit.DoesNotExist
    start, end = _period(filters)
    rates = unit_report_rates(actor=actor, unit=unit, start=start, end=end)
    return {
        **_rates_out(UNIT_DAILY, unit, rates),
        "communities": [
            {
                "code": c.unit.code,
                "name": c.unit.name,
                "late": c.late,
                "missing": c.missing,
                **_sums(c),
            }
            for c in rates.communities
        ],
    }


@router.get(
    "/reporting-rates",
    response={200: RatesOut, **error_responses(401, 403, 404, 422)},
    by_alias=True,
    summary="Reporting rates (expected, actual, on time) per reporting unit and summed up the tree",
)
def reporting_rates_get(request, filters: Query[RatesIn]):
    actor = request.auth
    if filters.kind not in KINDS:
        raise ValidationError({"kind": [ERR_UNKNOWN_KIND % {"kind": filters.kind}]})
    if filters.kind == UNIT_DAILY:
        return _unit_rates(actor, filters)
    return _school_rates(actor, filters)
