"""The elderly check's pages: who is due in a year (booked, done), booking, the check with
its record form, rebooking and cancelling, and the year's register.

Access: health roles (``view_health_records``) see the residents of the communities their
centres serve (403 for roles without it anywhere, 404 out of reach); booking and recording
need ``record_follow_ups``; the register needs ``export_health_ledgers``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.healthcentre import elderly_selectors as sel
from shoumen.healthcentre.elderly_forms import BookForm, ElderlyFilters, RebookForm, RecordForm
from shoumen.healthcentre.elderly_ledger import elderly_ledger_export
from shoumen.healthcentre.elderly_rules import FINDINGS
from shoumen.healthcentre.elderly_services import (
    elderly_check_book,
    elderly_check_cancel,
    elderly_check_rebook,
    elderly_check_record,
)
from shoumen.healthcentre.models import CheckResult, ElderlyCheckStatus
from shoumen.healthcentre.page_helpers import download_response, submit
from shoumen.lib.dates import today
from shoumen.lib.pages import or_404, paginate, posted

MSG_BOOKED = _("Check booked.")
MSG_REBOOKED = _("Booking changed.")
MSG_CANCELLED = _("Booking cancelled.")
MSG_RECORDED = _("Check recorded.")
ERR_CONFIRM_CANCEL = _("Confirm that the booking is to be cancelled.")


@login_required
@require_safe
def elderly_list(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    units = list(sel.elderly_units(request.user))
    filters = ElderlyFilters(request.GET or None, units=units)
    data = filters.cleaned_data if filters.is_valid() else {}
    year = data.get("year") or today().year
    unit = filters.units.get(data.get("unit") or "")
    status = data.get("status", "")
    qs = sel.elderly_due(request.user, year=year, status=status, unit=unit)
    context = {
        "filters": filters,
        "year": year,
        "page": paginate(request, qs),
        "counts": sel.elderly_counts(request.user, year=year, unit=unit),
        "can_record": can(request.user, Perm.RECORD_FOLLOW_UPS),
        "can_export": can(request.user, Perm.EXPORT_HEALTH_LEDGERS),
    }
    return render(request, "healthcentre/elderly/list.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def elderly_book(request):
    """Book a resident's check: reached from the list's "Book"."""
    require_somewhere(request.user, Perm.RECORD_FOLLOW_UPS)
    source = request.POST if request.method == "POST" else request.GET
    person_pk = _int(source.get("person"))
    person = None
    if person_pk is not None:
        person = or_404(sel.elderly_person_for, request.user, person_pk, Perm.RECORD_FOLLOW_UPS)
    year = _int(source.get("year")) or today().year
    form = BookForm(posted(request), initial={"person": person_pk, "year": year})
    if request.method == "POST" and person is not None:
        done = submit(
            request,
            form,
            lambda data: elderly_check_book(
                actor=request.user,
                person=person,
                year=data["year"],
                booked_for=data["booked_for"],
                client_uuid=data["client_uuid"],
            )[0],
            message=MSG_BOOKED,
            then=lambda check: redirect("health:elderly_check", pk=check.pk),
        )
        if done:
            return done
    if request.method == "GET" and person is None:
        raise Http404
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "person": person, "year": year}
    return render(request, "healthcentre/elderly/book.html", context, status=status)


def _check_page(request, check, *, record_form=None, rebook_form=None, status=200):
    may_record = can(request.user, Perm.RECORD_FOLLOW_UPS, check.grid)
    open_ = check.status != ElderlyCheckStatus.CANCELLED
    if record_form is None and may_record and open_:
        record_form = RecordForm(initial=RecordForm.initial_of(check))
    booked = check.status == ElderlyCheckStatus.BOOKED
    labels = dict(FINDINGS)
    context = {
        "check": check,
        "person": check.person,
        "findings": [(labels[k], v) for k, v in check.findings.items() if k in labels],
        "record_form": record_form if may_record and open_ else None,
        "rebook_form": (rebook_form or RebookForm(initial={"booked_for": check.booked_for}))
        if may_record and booked
        else None,
        "patient_new_url": f"{reverse('health:patient_new')}?person={check.person_id}"
        if check.result == CheckResult.CHRONIC and may_record
        else "",
    }
    return render(request, "healthcentre/elderly/check.html", context, status=status)


def _check(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    return or_404(sel.elderly_check_for, request.user, pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def elderly_check(request, pk: int):
    check = _check(request, pk)
    if request.method != "POST":
        return _check_page(request, check)
    if not can(request.user, Perm.RECORD_FOLLOW_UPS, check.grid):
        raise Http404
    form = RecordForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: elderly_check_record(
            actor=request.user,
            check=check,
            done_on=data["done_on"],
            self_care_score=data["self_care_score"],
            result=data["result"],
            findings=form.findings(),
            advice=data["advice"],
        ),
        message=MSG_RECORDED,
        then=lambda _recorded: redirect("health:elderly_check", pk=check.pk),
    )
    return done or _check_page(request, check, record_form=form, status=400)


@login_required
@require_POST
def elderly_rebook(request, pk: int):
    check = _check(request, pk)
    form = RebookForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: elderly_check_rebook(
            actor=request.user, check=check, booked_for=data["booked_for"]
        ),
        message=MSG_REBOOKED,
        then=lambda _rebooked: redirect("health:elderly_check", pk=check.pk),
    )
    return done or _check_page(request, check, rebook_form=form, status=400)


@login_required
@require_POST
def elderly_cancel(request, pk: int):
    check = _check(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, ERR_CONFIRM_CANCEL)
        return _check_page(request, check, status=400)
    try:
        elderly_check_cancel(actor=request.user, check=check)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _check_page(request, check, status=400)
    messages.success(request, MSG_CANCELLED)
    return redirect("health:elderly")


@login_required
@require_safe
def elderly_ledger(request):
    year = _int(request.GET.get("year")) or today().year
    download = elderly_ledger_export(actor=request.user, year=year)
    return download_response(download)
