"""The hotline log's page (log a call, follow-ups due, the recent calls without any caller's
details) and the services' ledgers (.xlsx)."""

import datetime
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere, scope_paths
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, paginate, posted
from shoumen.places.models import OrgUnit
from shoumen.services import selectors
from shoumen.services.forms import HotlineForm
from shoumen.services.hotline import hotline_call_record, hotline_follow_up_done
from shoumen.services.ledgers import hotline_ledger_export, parse_month, service_ledger_export

MSG_LOGGED = _("Call logged.")
MSG_FOLLOWED_UP = _("Follow-up marked done.")
ERR_MONTH = _("Choose a month (YYYY-MM).")
ERR_UNIT = _("Choose a unit in your jurisdiction.")


class HotlineLogForm(HotlineForm):
    community = forms.ChoiceField(label=_("Community"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["community"])
        field.choices = [(str(c.pk), c.name) for c in communities]
        if len(communities) == 1:
            self.initial["community"] = str(communities[0].pk)
        self._communities = {str(c.pk): c for c in communities}

    def clean_community(self):
        return self._communities[self.cleaned_data["community"]]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hotline(request):
    require_somewhere(request.user, Perm.LOG_HOTLINE)
    communities = selectors.communities_for(request.user, Perm.LOG_HOTLINE)
    form = HotlineLogForm(posted(request), communities=communities)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                hotline_call_record(
                    actor=request.user,
                    community=data["community"],
                    topic=data["topic"],
                    minutes=data["minutes"],
                    anonymous=data["anonymous"],
                    follow_up_on=data["follow_up_on"],
                    client_uuid=data["client_uuid"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_LOGGED)
                return redirect("services:hotline")
    calls = selectors.hotline_visible_to(request.user).select_related("community")
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    counts = calls.filter(received_at__gte=start).aggregate(n=Count("pk"), minutes=Sum("minutes"))
    context = {
        "form": form,
        "page": paginate(request, calls.order_by("-received_at", "-pk")),
        "due": calls.filter(follow_up_on__lte=today, follow_up_done=False).order_by(
            "follow_up_on", "pk"
        )[:50],
        "today_calls": counts["n"] or 0,
        "today_minutes": counts["minutes"] or 0,
        "month": today.strftime("%Y-%m"),
    }
    return render(request, "services/hotline.html", context, status=status)


@login_required
@require_POST
def hotline_follow_up(request, pk):
    require_somewhere(request.user, Perm.LOG_HOTLINE)
    call = selectors.hotline_visible_to(request.user).filter(pk=pk).first()
    if call is None:
        raise Http404
    try:
        hotline_follow_up_done(actor=request.user, call=call)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, MSG_FOLLOWED_UP)
    return redirect("services:hotline")


def _unit_and_month(request, perm: str):
    """The unit (``?unit=<pk>``, default: the actor's widest unit) and month asked for."""
    month = parse_month(request.GET.get("month") or timezone.localdate().strftime("%Y-%m"))
    units = OrgUnit.objects.filter(pk__in=[u.pk for u in _reach(request.user, perm)]).order_by(
        "depth", "path"
    )
    unit_pk = request.GET.get("unit")
    unit = units.filter(pk=unit_pk).first() if unit_pk and unit_pk.isdigit() else units.first()
    return unit, month


def _reach(user, perm: str) -> list[OrgUnit]:
    paths = scope_paths(user, perm)
    if paths == [""]:
        return list(OrgUnit.objects.filter(depth=1))
    return list(OrgUnit.objects.filter(path__in=paths))


def _download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response


@login_required
@require_safe
def service_ledger(request):
    require_somewhere(request.user, Perm.MANAGE_SERVICES)
    require_somewhere(request.user, Perm.EXPORT)
    unit, month = _unit_and_month(request, Perm.EXPORT)
    if month is None or unit is None:
        messages.error(request, ERR_MONTH if month is None else ERR_UNIT)
        return redirect("services:requests")
    try:
        return _download(service_ledger_export(actor=request.user, unit=unit, month=month))
    except ValidationError:
        raise deny() from None


@login_required
@require_safe
def hotline_ledger(request):
    require_somewhere(request.user, Perm.LOG_HOTLINE)
    unit, month = _unit_and_month(request, Perm.LOG_HOTLINE)
    if month is None or unit is None:
        messages.error(request, ERR_MONTH if month is None else ERR_UNIT)
        return redirect("services:hotline")
    return _download(hotline_ledger_export(actor=request.user, unit=unit, month=month))
