"""School epidemic reports: the list (a receiver's inbox, a school's sent reports), one
report with its acknowledgements, sending one from an alert, and acknowledging it. Views
are thin: a selector or a service each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.models import Cause
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate
from shoumen.schools import epidemic_selectors as sel
from shoumen.schools import epidemic_services as services
from shoumen.schools.epidemic_forms import AcknowledgeForm, EpidemicReportForm
from shoumen.schools.epidemic_services import (
    ACTIONS,
    actions_found,
    due_at_of,
    receiver_kinds,
    report_content,
)
from shoumen.schools.models import Receiver

MSG_SENT = _("The report was sent to the CDC and the education bureau.")
MSG_ALREADY_SENT = _("This alert's report was already sent.")
MSG_ACKNOWLEDGED = _("The report was acknowledged.")
MSG_ALREADY_ACKNOWLEDGED = _("The report was already acknowledged.")


@login_required
@require_safe
def epidemic_reports(request):
    if not sel.may_see_reports(request.user):
        raise deny()
    page = paginate(request, sel.reports_list(request.user))
    for report in page:
        report.cause_label = _cause_label(report.cause)
    context = {"page": page, "receiver": bool(receiver_kinds(request.user))}
    return render(request, "schools/reports/list.html", context)


def _cause_label(cause: str) -> str:
    return str(Cause(cause).label) if cause in Cause.values else cause


def _detail(request, report, *, status=200):
    acks = sel.acks_of(report)
    receivers = [(kind, label, acks.get(kind)) for kind, label in Receiver.choices]
    mine = (
        receiver_kinds(request.user)
        if can(request.user, Perm.RECEIVE_SCHOOL_REPORTS, report.school.unit)
        else []
    )
    context = {
        "report": report,
        "content": report.content,
        "cause_label": _cause_label(report.cause),
        "actions": [ACTIONS[a] for a in report.actions if a in ACTIONS],
        "receivers": receivers,
        "to_acknowledge": [k for k in mine if k not in acks],
        "deadline": sel.deadline_of(report),
    }
    return render(request, "schools/reports/detail.html", context, status=status)


@login_required
@require_safe
def epidemic_report(request, pk: int):
    if not sel.may_see_reports(request.user):
        raise deny()
    return _detail(request, or_404(sel.report_for, request.user, pk))


@login_required
@require_POST
def epidemic_report_acknowledge(request, pk: int):
    if not can(request.user, Perm.RECEIVE_SCHOOL_REPORTS):
        raise deny()
    report = or_404(sel.report_for, request.user, pk)
    if not can(request.user, Perm.RECEIVE_SCHOOL_REPORTS, report.school.unit):
        raise deny()
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("receiver", []):
            messages.error(request, str(error))
        return _detail(request, report, status=400)
    try:
        _, created = services.epidemic_report_acknowledge(
            actor=request.user, report=report, receiver=form.cleaned_data["receiver"]
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return _detail(request, report, status=400)
    messages.success(request, MSG_ACKNOWLEDGED if created else MSG_ALREADY_ACKNOWLEDGED)
    return redirect("schools:epidemic_report", pk=report.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def epidemic_report_new(request, pk: int):
    if not can(request.user, Perm.REPORT_SCHOOL):
        raise deny()
    alert = or_404(sel.alert_to_report, request.user, pk)
    sent = sel.report_of_alert(alert)
    if sent is not None:
        messages.info(request, MSG_ALREADY_SENT)
        return redirect("schools:epidemic_report", pk=sent.pk)
    content = report_content(alert)
    status = 200
    if request.method == "POST":
        form = EpidemicReportForm(request.POST)
        if form.is_valid():
            try:
                report, created = services.epidemic_report_send(
                    actor=request.user,
                    alert=alert,
                    actions=form.cleaned_data["actions"],
                    remarks=form.cleaned_data["remarks"],
                    client_uuid=form.cleaned_data["client_uuid"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_SENT if created else MSG_ALREADY_SENT)
                return redirect("schools:epidemic_report", pk=report.pk)
        status = 400
    else:
        form = EpidemicReportForm.blank(actions=actions_found(content))
    context = {
        "alert": alert,
        "content": content,
        "form": form,
        "due_at": due_at_of(alert),
        "now": timezone.now(),
    }
    return render(request, "schools/reports/new.html", context, status=status)
