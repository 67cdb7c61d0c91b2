"""The rest watch pages: a community's people by days without a day off, one person's
figures and rest notices, issuing a rest notice and printing it, and the month's hours
ledger. Thin: a selector or a service each. No duty management anywhere is a 403; a
community or person outside the actor's scope is a 404. Someone on duty sees their own
figures and notices."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.duty import rest
from shoumen.duty.hours_ledger import ERR_MONTH, hours_ledger_export, hours_ledger_rows, parse_month
from shoumen.duty.rest_pdf import rest_notice_download
from shoumen.duty.rest_services import MAX_REST_DAYS, rest_notice_issue
from shoumen.duty.selectors import me_on_duty
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.lib.pdf import PDF_CONTENT_TYPE

MSG_ISSUED = _("Rest notice issued: %(name)s rests from %(start)s to %(end)s.")
MSG_STILL_ON_ROSTER = ngettext_lazy(
    "The published roster still has %(count)d shift of theirs on those days: solve the "
    "roster again or arrange cover.",
    "The published roster still has %(count)d shifts of theirs on those days: solve the "
    "roster again or arrange cover.",
    "count",
)
HELP_REST_TO = _("At most %(days)d days.")


class RestNoticeForm(forms.Form):
    rest_from = forms.DateField(
        label=_("Rest from"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    rest_to = forms.DateField(
        label=_("Rest to"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the reader's language.
        self.fields["rest_to"].help_text = HELP_REST_TO % {"days": MAX_REST_DAYS}


def _require_manager(user) -> None:
    if not rest.may_watch_rest(user):
        raise deny()


def _require_manager_or_on_duty(user) -> None:
    if not rest.may_watch_rest(user) and not me_on_duty(user):
        raise deny()


@login_required
@require_safe
def rest_page(request, community_pk: int):
    _require_manager(request.user)
    community = or_404(rest.rest_community_for, request.user, community_pk)
    day = today()
    rows = rest.rest_watch(community, day)
    context = {
        "community": community,
        "day": day,
        "flagged": [r for r in rows if r.past_limit],
        "others": [r for r in rows if not r.past_limit],
        "limit": rest.alert_days(),
    }
    return render(request, "duty/rest/watch.html", context)


@login_required
@require_safe
def person_rest(request, person_pk: int):
    _require_manager_or_on_duty(request.user)
    person = or_404(rest.rest_person_for, request.user, person_pk)
    day = today()
    notices = list(rest.notices_of(person)[:50])
    context = {
        "person": person,
        "community": person.community,
        "day": day,
        "row": rest.rest_of_person(person, day),
        "notices": notices,
        "limit": rest.alert_days(),
        "manages": rest.manages(request.user, person),
    }
    return render(request, "duty/rest/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rest_notice_new(request, person_pk: int):
    _require_manager(request.user)
    person = or_404(rest.managed_person_for, request.user, person_pk)
    day = today()
    initial = {
        "rest_from": day + datetime.timedelta(days=1),
        "rest_to": day + datetime.timedelta(days=2),
    }
    form = RestNoticeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = rest_notice_issue(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                MSG_ISSUED
                % {"name": person.name, "start": notice.rest_from, "end": notice.rest_to},
            )
            still = rest.shifts_during(person, notice.rest_from, notice.rest_to).count()
            if still:
                messages.warning(request, MSG_STILL_ON_ROSTER % {"count": still})
            return redirect("duty:person_rest", person_pk=person.pk)
    context = {
        "person": person,
        "community": person.community,
        "row": rest.rest_of_person(person, day),
        "form": form,
        "limit": rest.alert_days(),
    }
    return render(request, "duty/rest/notice_new.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def rest_notice_pdf(request, notice_pk: int):
    _require_manager_or_on_duty(request.user)
    notice = or_404(rest.rest_notice_for, request.user, notice_pk)
    content = rest_notice_download(actor=request.user, notice=notice)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="rest-notice-{notice.pk}.pdf"'
    return response


def _month(request) -> tuple[datetime.date, str | None]:
    """The ?month= asked for, or this month with the reason it was not taken."""
    current = today().replace(day=1)
    raw = request.GET.get("month")
    if not raw:
        return current, None
    month = parse_month(raw)
    if month is None:
        return current, str(ERR_MONTH) % {"value": raw[:20]}
    return month, None


def _shift_month(month: datetime.date, step: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + step
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_required
@require_safe
def hours_page(request, community_pk: int):
    _require_manager(request.user)
    community = or_404(rest.rest_community_for, request.user, community_pk)
    month, notice = _month(request)
    context = {
        "community": community,
        "month": month,
        "month_label": month.strftime("%Y-%m"),
        "previous": _shift_month(month, -1).strftime("%Y-%m"),
        "following": _shift_month(month, 1).strftime("%Y-%m"),
        "rows": hours_ledger_rows(community, month),
        "notice": notice,
    }
    return render(request, "duty/rest/hours.html", context)


@login_required
@require_safe
def hours_ledger(request, community_pk: int):
    _require_manager(request.user)
    community = or_404(rest.rest_community_for, request.user, community_pk)
    month, notice = _month(request)
    if notice:
        messages.error(request, notice)
        return redirect(reverse("duty:hours", args=[community.pk]))
    export = hours_ledger_export(actor=request.user, community=community, month=month)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response
