"""Key-person pages: the worker's Today with one-tap follow-ups, the observation list and
detail, starting observations (one or in bulk) and every lifecycle transition. Views parse,
call one service or selector and render; objects out of the actor's scope are 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can, roles_of
from shoumen.alerts.rules import current_rules
from shoumen.alerts.selectors import STATE_OPEN, AlertFilters, alerts_list, alerts_of_person
from shoumen.audit.labels import describe
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.observation import health_reports, services
from shoumen.observation.forms import (
    STATUS_ANY,
    AcceptForm,
    AssignForm,
    BulkStartForm,
    CloseForm,
    CompleteForm,
    ExtendForm,
    ObservationFiltersForm,
    QuickReportForm,
    ReasonForm,
    StartForm,
    TemperatureForm,
    TodayFiltersForm,
    TransferForm,
)
from shoumen.observation.models import Observation
from shoumen.observation.quick_undo import health_report_withdraw, with_taps
from shoumen.observation.selectors import (
    ObservationFilters,
    TodayState,
    current_slot,
    grids_of,
    incoming_transfers,
    observation_for,
    observation_history,
    observation_reports,
    observations_list,
    pending_transfer_for,
    persons_for_observation,
    persons_from_lines,
    persons_picked,
    today_counts,
    today_observation_for,
    today_observations,
    today_rows,
    transfer_targets,
    workers_for,
)
from shoumen.places.selectors import grids_visible_to
from shoumen.registry.models import Status
from shoumen.registry.selectors import person_for

MSG_STARTED = _("%(name)s is now under observation until %(end)s.")
MSG_BULK_STARTED = _("%(count)d observations started.")
MSG_COMPLETED = _("The observation was completed.")
MSG_CLOSED = _("The observation was closed: %(status)s.")
MSG_EXTENDED = _("The period now ends on %(end)s.")
MSG_ASSIGNED = _("%(name)s is now responsible.")
MSG_TRANSFER_ASKED = _("%(unit)s was asked to take the person over.")
MSG_TRANSFER_ACCEPTED = _("The person is now observed in %(unit)s.")
MSG_TRANSFER_CANCELLED = _("The transfer was withdrawn.")
MSG_UNDONE = _("The report was undone.")

ALERTS_ON_TODAY = 5
PICK_LIMIT = 20


def _require(user, perm: str) -> None:
    if not can(user, perm):
        raise deny()


# ---------------------------------------------------------------- Today


@login_required
@require_safe
def today(request):
    _require(request.user, Perm.RECORD_HEALTH_REPORTS)
    now, rules = timezone.now(), current_rules()
    filters = TodayFiltersForm(request.GET)
    filters.is_valid()
    state = filters.cleaned_data.get("state")
    mine = bool(filters.cleaned_data.get("mine"))
    every = today_observations(request.user, now=now, rules=rules, mine_only=mine)
    page = paginate(request, every.filter(**{"today_state": state}) if state is not None else every)
    day = timezone.localdate(now)
    alerts = alerts_list(request.user, AlertFilters(state=STATE_OPEN, mine=True))
    context = {
        "day": day,
        "slot": current_slot(now),
        "counts": today_counts(every),
        "state": state,
        "mine": mine,
        "states": TodayState,
        "page": page,
        "rows": with_taps(
            today_rows(page, day=day, slot=current_slot(now)), user=request.user, now=now
        ),
        "now": now,
        "alerts": alerts[:ALERTS_ON_TODAY],
        "staff_view": not mine and _sees_more_than_own(request.user),
    }
    return render(request, "observation/today.html", context)


def _sees_more_than_own(user) -> bool:
    return bool(roles_of(user) - {Role.GRID_WORKER})


def _today_row_response(request, obs_pk, *, status=200, temperature_form=None, error=""):
    """The row of one observation, as htmx swaps it in place, with Today's counts."""
    now, rules = timezone.now(), current_rules()
    obs = or_404(today_observation_for, request.user, pk=obs_pk, now=now, rules=rules)
    day = timezone.localdate(now)
    (row,) = with_taps(
        today_rows([obs], day=day, slot=current_slot(now)), user=request.user, now=now
    )
    context = {
        "row": row,
        "slot": current_slot(now),
        "day": day,
        "temperature_form": temperature_form,
        "row_error": error,
        "counts": today_counts(today_observations(request.user, now=now, rules=rules)),
        "states": TodayState,
        "oob": True,
    }
    return render(request, "observation/_today_row.html", context, status=status)


def _recorded(request, obs: Observation, values: dict):
    health_reports.health_report_record(actor=request.user, person=obs.person_id, **values)


@login_required
@require_POST
def today_report(request, pk):
    """One tap: normal, or not reached. A replayed client UUID changes nothing."""
    now, rules = timezone.now(), current_rules()
    obs = or_404(today_observation_for, request.user, pk=pk, now=now, rules=rules)
    form = QuickReportForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _today_row_response(request, pk, status=422)
        return HttpResponse(status=400)
    try:
        _recorded(request, obs, form.report_values())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        if request.htmx:
            return _today_row_response(request, pk, status=422)
        return redirect("observation:today")
    if request.htmx:
        return _today_row_response(request, pk)
    return redirect(reverse("observation:today") + f"#today-row-{pk}")


@login_required
@require_POST
def today_undo(request, pk):
    """Undo a mistaken one-tap Normal within the undo window."""
    now, rules = timezone.now(), current_rules()
    obs = or_404(today_observation_for, request.user, pk=pk, now=now, rules=rules)
    assert obs.person_id is not None  # Today lists persons only
    try:
        report_id = int(request.POST.get("report", ""))
    except ValueError:
        return HttpResponse(status=400)
    try:
        health_report_withdraw(
            actor=request.user, report_id=report_id, person_id=obs.person_id, now=now
        )
    except ValidationError as exc:
        if request.htmx:
            return _today_row_response(request, pk, status=409, error="; ".join(exc.messages))
        messages.error(request, "; ".join(exc.messages))
        return redirect(reverse("observation:today") + f"#today-row-{pk}")
    messages.success(request, MSG_UNDONE)
    if request.htmx:
        return _today_row_response(request, pk)
    return redirect(reverse("observation:today") + f"#today-row-{pk}")


@login_required
def today_temperature(request, pk):
    """Temperature and symptoms: open (one tap), tick symptoms, save (one tap)."""
    now, rules = timezone.now(), current_rules()
    obs = or_404(today_observation_for, request.user, pk=pk, now=now, rules=rules)
    initial = TemperatureForm.fresh_initial(date=timezone.localdate(now), slot=current_slot(now))
    form = TemperatureForm(posted(request), initial=initial, auto_id=f"t{pk}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            _recorded(request, obs, form.report_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                return _today_row_response(request, pk)
            return redirect(reverse("observation:today") + f"#today-row-{pk}")
    status = 200 if request.method != "POST" else 422 if request.htmx else 400
    if request.htmx:
        return _today_row_response(request, pk, status=status, temperature_form=form)
    context = {"observation": obs, "form": form}
    return render(request, "observation/today_temperature.html", context, status=status)


# ---------------------------------------------------------------- list and detail


@login_required
@require_safe
def observation_list(request):
    _require(request.user, Perm.VIEW_OBSERVATIONS)
    form = ObservationFiltersForm(
        request.GET, grids=grids_visible_to(request.user, Perm.VIEW_OBSERVATIONS)
    )
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = data.get("status") or "active"
    filters = ObservationFilters(
        status="" if status == STATUS_ANY else status,
        kind=data.get("kind") or "",
        grid=data.get("grid"),
        person=data.get("person"),
    )
    page = paginate(request, observations_list(request.user, filters))
    context = {
        "form": form,
        "page": page,
        "day": timezone.localdate(),
        "can_manage": can(request.user, Perm.MANAGE_OBSERVATIONS),
    }
    return render(request, "observation/list.html", context)


@login_required
@require_safe
def observation_detail(request, pk):
    obs = or_404(observation_for, request.user, pk=pk)
    if obs.person is None:
        raise Http404
    page = paginate(request, observation_history(obs))
    context = {
        "obs": obs,
        "person": obs.person,
        "day": timezone.localdate(),
        "reports": list(observation_reports(obs)),
        "alerts": alerts_of_person(request.user, obs.person.pk),
        "page": page,
        "history": describe(page),
        "can_manage": can(request.user, Perm.MANAGE_OBSERVATIONS, obs.grid),
        "can_accept": obs.transfer_to is not None
        and can(request.user, Perm.MANAGE_OBSERVATIONS, obs.transfer_to),
    }
    return render(request, "observation/detail.html", context)


# ---------------------------------------------------------------- start


@login_required
def observation_start(request, person_pk):
    person = or_404(person_for, request.user, pk=person_pk, perm=Perm.MANAGE_OBSERVATIONS)
    if person.status != Status.RESIDENT:
        raise Http404
    form = StartForm(posted(request), workers=workers_for(person.grid))
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_start(
                actor=request.user,
                person=person,
                responsible=form.cleaned_data["responsible"],
                **form.common(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_STARTED % {"name": person.name, "end": obs.ends_on})
            return redirect("observation:detail", pk=obs.pk)
    context = {
        "form": form,
        "person": person,
        "title": _("Start an observation"),
        "back_url": reverse("registry:person", args=[person.pk]),
        "back_label": person.name,
    }
    return render(
        request, "observation/form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
def observation_bulk(request):
    """Start many observations from pasted lines and persons picked from a search."""
    _require(request.user, Perm.MANAGE_OBSERVATIONS)
    q = request.GET.get("q", "").strip()
    candidates = persons_for_observation(request.user, q=q, limit=PICK_LIMIT) if q else []
    if request.htmx and request.method == "GET":
        return render(
            request, "observation/_bulk_candidates.html", {"candidates": candidates, "q": q}
        )
    form = BulkStartForm(posted(request))
    results = None
    if request.method == "POST" and form.is_valid():
        results = _bulk_start(request, form)
        started = sum(1 for r in results if r["observation"] is not None)
        if started:
            messages.success(request, MSG_BULK_STARTED % {"count": started})
    context = {"form": form, "q": q, "candidates": candidates, "results": results}
    status = 400 if request.method == "POST" and results is None else 200
    return render(request, "observation/bulk.html", context, status=status)


def _bulk_start(request, form) -> list[dict]:
    """Resolve pasted lines and picked ids to persons, start them, one result per row."""
    lines = persons_from_lines(request.user, form.cleaned_data["line_list"])
    picked = persons_picked(request.user, form.cleaned_data["persons"])
    rows: list[dict[str, Any]] = [
        *({"label": line.text, "person": line.person, "error": line.error} for line in lines),
        *({"label": p.name, "person": p, "error": ""} for p in picked),
    ]
    todo = [row for row in rows if not row["error"]]
    outcomes = services.observations_start_bulk(
        actor=request.user, persons=[row["person"] for row in todo], common=form.common()
    )
    for row, outcome in zip(todo, outcomes, strict=True):
        row["observation"] = outcome.observation
        row["error"] = "; ".join(m for msgs in outcome.errors.values() for m in msgs)
    for row in rows:
        row.setdefault("observation", None)
    return rows


# ---------------------------------------------------------------- transitions


def _managed(request, pk) -> Observation:
    obs = or_404(observation_for, request.user, pk=pk, perm=Perm.MANAGE_OBSERVATIONS)
    if obs.person is None:
        raise Http404
    return obs


def _transition_page(request, obs, form, *, title, intro="", status=None):
    if status is None:
        status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "obs": obs,
        "person": obs.person,
        "title": title,
        "intro": intro,
        "back_url": reverse("observation:detail", args=[obs.pk]),
        "back_label": obs.person.name if obs.person else obs.pk,
    }
    return render(request, "observation/form.html", context, status=status)


def _done(request, obs, message):
    messages.success(request, message)
    return redirect("observation:detail", pk=obs.pk)


@login_required
def observation_complete(request, pk):
    obs = _managed(request, pk)
    form = CompleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_complete(
                actor=request.user, observation=obs, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_COMPLETED)
    intro = _("The period ends on %(end)s.") % {"end": obs.ends_on}
    return _transition_page(request, obs, form, title=_("Complete the observation"), intro=intro)


@login_required
def observation_close(request, pk):
    obs = _managed(request, pk)
    form = CloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_close(
                actor=request.user, observation=obs, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_CLOSED % {"status": obs.get_status_display()})
    return _transition_page(request, obs, form, title=_("Close the observation"))


@login_required
def observation_extend(request, pk):
    obs = _managed(request, pk)
    form = ExtendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_extend(
                actor=request.user, observation=obs, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_EXTENDED % {"end": obs.ends_on})
    intro = _("Re-exposure: the period of %(days)d days is counted again from the new date.") % {
        "days": obs.period_days
    }
    return _transition_page(request, obs, form, title=_("Extend after re-exposure"), intro=intro)


@login_required
def observation_assign(request, pk):
    obs = _managed(request, pk)
    form = AssignForm(
        posted(request), workers=workers_for(obs.grid), initial={"responsible": obs.responsible}
    )
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_assign(
                actor=request.user, observation=obs, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_ASSIGNED % {"name": obs.responsible})
    return _transition_page(request, obs, form, title=_("Change the responsible worker"))


@login_required
def observation_transfer(request, pk):
    obs = _managed(request, pk)
    form = TransferForm(posted(request), communities=transfer_targets(obs))
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_transfer_request(
                actor=request.user, observation=obs, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_TRANSFER_ASKED % {"unit": obs.transfer_to})
    intro = _("The receiving community accepts the transfer; until then nothing changes here.")
    return _transition_page(
        request, obs, form, title=_("Transfer to another community"), intro=intro
    )


@login_required
def observation_transfer_cancel(request, pk):
    obs = or_404(pending_transfer_for, request.user, pk=pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            obs = services.observation_transfer_cancel(
                actor=request.user, observation=obs, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, obs, MSG_TRANSFER_CANCELLED)
    intro = _("Withdraw or decline the transfer to %(unit)s.") % {"unit": obs.transfer_to}
    return _transition_page(request, obs, form, title=_("Withdraw the transfer"), intro=intro)


@login_required
@require_safe
def transfers_incoming(request):
    _require(request.user, Perm.MANAGE_OBSERVATIONS)
    page = paginate(request, incoming_transfers(request.user).order_by("pk"))
    return render(request, "observation/transfers.html", {"page": page})


@login_required
def observation_transfer_accept(request, pk):
    obs = or_404(incoming_transfers(request.user).get, pk=pk)
    assert obs.transfer_to is not None
    form = AcceptForm(posted(request), grids=grids_of(obs.transfer_to))
    if request.method == "POST" and form.is_valid():
        try:
            new = services.observation_transfer_accept(
                actor=request.user, observation=obs, grid=form.cleaned_data["grid"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_TRANSFER_ACCEPTED % {"unit": new.grid})
            return redirect("observation:detail", pk=new.pk)
    intro = _("%(unit)s asks you to take this person over; choose the grid that follows up.") % {
        "unit": obs.grid
    }
    return _transition_page(request, obs, form, title=_("Accept the transfer"), intro=intro)
