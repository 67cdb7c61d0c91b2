"""Alert pages: the scoped list (most urgent first) and one alert with its acknowledge and
resolve forms. Views parse, call one service or selector and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.alerts import services
from shoumen.alerts.alert_panels import alert_panels
from shoumen.alerts.forms import AlertFiltersForm, ResolveForm
from shoumen.alerts.selectors import (
    STATE_OPEN,
    AlertFilters,
    alert_for,
    alerts_list,
    may_handle_alerts,
    observations_to_end,
)
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate
from shoumen.places.models import Level, OrgUnit

MSG_ACKNOWLEDGED = _("The alert was acknowledged: you are now its owner.")
MSG_RESOLVED = _("The alert was resolved.")


@login_required
@require_safe
def alert_list(request):
    if not may_handle_alerts(request.user):
        raise deny()
    form = AlertFiltersForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = AlertFilters(
        state=data.get("state") or STATE_OPEN,
        mine=bool(data.get("mine")),
        cause=data.get("cause") or "",
    )
    page = paginate(request, alerts_list(request.user, filters))
    context = {"form": form, "filters": filters, "page": page, "now": timezone.now()}
    return render(request, "alerts/list.html", context)


def _detail(request, alert, *, resolve_form=None, status=200):
    observations = observations_to_end(alert) if alert.is_open else []
    # A class alert names its school too.
    in_class = alert.is_school and alert.grid.level == Level.CLASS
    within = OrgUnit.objects.get(path=alert.grid.path[: -OrgUnit.steplen]) if in_class else None
    context = {
        "alert": alert,
        "person": alert.person,
        "within": within,
        "panels": alert_panels(request.user, alert),
        "now": timezone.now(),
        "resolve_form": resolve_form
        or ResolveForm(can_end_observation=bool(observations), school=alert.is_school),
        "observations": observations,
    }
    return render(request, "alerts/detail.html", context, status=status)


@login_required
@require_safe
def alert_detail(request, pk):
    return _detail(request, or_404(alert_for, request.user, pk=pk))


@login_required
@require_POST
def alert_acknowledge(request, pk):
    alert = or_404(alert_for, request.user, pk=pk)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, MSG_ACKNOWLEDGED)
    return redirect("alerts:detail", pk=alert.pk)


@login_required
@require_POST
def alert_resolve(request, pk):
    alert = or_404(alert_for, request.user, pk=pk)
    form = ResolveForm(
        request.POST,
        can_end_observation=bool(observations_to_end(alert)),
        school=alert.is_school,
    )
    if form.is_valid():
        try:
            services.alert_resolve(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_RESOLVED)
            return redirect("alerts:detail", pk=alert.pk)
    return _detail(request, alert, resolve_form=form, status=400)
