"""The daily report pages: one unit's report of a day, its one-tap confirm and its exports.
Thin: a selector or a service each. Scope: no sight of any report is a 403, a unit outside
the actor's scope (or not a community, street or district) a 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import or_404
from shoumen.places.models import OrgUnit
from shoumen.places.selectors import ancestors_of, org_unit_for
from shoumen.reports.daily import REPORT_LEVELS, confirmable, daily_report_of, may_see_reports
from shoumen.reports.daily_exports import FORMATS, MAX_DAYS, daily_report_export
from shoumen.reports.daily_services import REMARKS_MAX, daily_report_confirm
from shoumen.reports.daily_text import chat_text, unit_word

MSG_CONFIRMED = _("The daily report of %(date)s is confirmed and sent.")
MSG_ZERO_CONFIRMED = _("The zero report of %(date)s is confirmed and sent.")
MSG_ALREADY = _("The daily report of %(date)s was already confirmed.")
ERR_NOT_A_DATE = _("“%(value)s” is not a date (YYYY-MM-DD); today's report is shown.")
ERR_FUTURE_DAY = _("%(date)s is still to come and has no report yet; today's report is shown.")
ERR_EXPORT_DATE = _("“%(value)s” is not a date (YYYY-MM-DD): nothing was exported.")
ERR_CONFIRM_DATE = _("Choose the day of the report to confirm.")
ERR_REMARKS = _("Remarks: use at most %(max)d characters. Nothing was sent.")
BACK_HOME = "home"


def _report_unit(user, pk: int) -> OrgUnit:
    if not may_see_reports(user):
        raise deny()
    return or_404(org_unit_for, user, pk=pk, perm=Perm.VIEW_OBSERVATIONS)


def _parse_day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _page_url(unit: OrgUnit, day: datetime.date) -> str:
    return reverse("reports:daily", args=[unit.pk]) + f"?date={day.isoformat()}"


def _chosen_day(request) -> tuple[datetime.date, str | None]:
    """The ?date= asked for, or today with the reason it was not taken."""
    current = today()
    raw = request.GET.get("date")
    if not raw:
        return current, None
    day = _parse_day(raw)
    if day is None:
        return current, str(ERR_NOT_A_DATE) % {"value": raw[:20]}
    if day > current:
        return current, str(ERR_FUTURE_DAY) % {"date": day.isoformat()}
    return day, None


@login_required
@require_safe
def daily_page(request, pk):
    unit = _report_unit(request.user, pk)
    day, notice = _chosen_day(request)
    report = or_404(daily_report_of, request.user, unit, day)
    one = datetime.timedelta(days=1)
    context = {
        "unit": unit,
        "day": day,
        "day_report": report,
        "rows": [(m, v, unit_word(m)) for m, v in report.rows],
        "notice": notice,
        "is_today": day == today(),
        "previous_day": day - one,
        "next_day": day + one if day < today() else None,
        "can_confirm": confirmable(request.user, unit) and not report.confirmed,
        "chat_text": chat_text(report),
        "remarks_max": REMARKS_MAX,
        "formats": FORMATS,
        "max_days": MAX_DAYS,
        "range_start": day - datetime.timedelta(days=6),
        "ancestors": ancestors_of(unit),
    }
    return render(request, "reports/daily.html", context)


@login_required
@require_safe
def daily_card(request, pk):
    """Today's report as the home's card (loaded into the home by htmx)."""
    unit = _report_unit(request.user, pk)
    day = today()
    report = or_404(daily_report_of, request.user, unit, day)
    context = {
        "unit": unit,
        "day": day,
        "day_report": report,
        "first_sentence": next(iter(report.sentences), ""),
        "can_confirm": confirmable(request.user, unit),
        "remarks_max": REMARKS_MAX,
    }
    return render(request, "reports/_daily_card.html", context)


def _after_confirm(request, unit: OrgUnit, day: datetime.date):
    if request.POST.get("back") == BACK_HOME:
        return redirect("home")
    return redirect(_page_url(unit, day))


@login_required
@require_POST
def daily_confirm(request, pk):
    unit = _report_unit(request.user, pk)
    if unit.level not in REPORT_LEVELS:
        raise Http404
    if not confirmable(request.user, unit):
        raise deny()
    day = _parse_day(request.POST.get("date"))
    if day is None:
        messages.error(request, ERR_CONFIRM_DATE)
        return _after_confirm(request, unit, today())
    remarks = request.POST.get("remarks", "")
    if len(remarks.strip()) > REMARKS_MAX:
        messages.error(request, ERR_REMARKS % {"max": REMARKS_MAX})
        return _after_confirm(request, unit, min(day, today()))
    try:
        report, created = daily_report_confirm(
            actor=request.user, unit=unit, date=day, remarks=remarks
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _after_confirm(request, unit, min(day, today()))
    if not created:
        messages.info(request, MSG_ALREADY % {"date": day.isoformat()})
    else:
        done = MSG_ZERO_CONFIRMED if report.zero else MSG_CONFIRMED
        messages.success(request, done % {"date": day.isoformat()})
    return _after_confirm(request, unit, day)


@login_required
@require_safe
def daily_export(request, pk):
    unit = _report_unit(request.user, pk)
    asked = {key: request.GET.get(key) for key in ("date", "from", "to")}
    days = {key: _parse_day(value) for key, value in asked.items() if value}
    bad = [asked[key] for key, day in days.items() if day is None]
    start = days.get("from") or days.get("date") or today()
    end = days.get("to") or days.get("date") or start
    back = _page_url(unit, min(end, today()))
    if bad:
        messages.error(request, ERR_EXPORT_DATE % {"value": str(bad[0])[:20]})
        return redirect(back)
    try:
        export = or_404(
            daily_report_export,
            actor=request.user,
            unit=unit,
            start=start,
            end=end,
            fmt=request.GET.get("format", "xlsx"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response
