"""Checkpoint pages: posts and their printable visitor QR, passes on the person page and in
a list, visitors at a post and by self-registration, traffic, shift handover and the
ledger. Each view parses, calls one service or selector, and renders; objects out of the
actor's scope are 404."""

import datetime
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.checkpoints import reports, selectors, services, visitor_services
from shoumen.checkpoints.forms import (
    BulkIssueForm,
    CheckpointForm,
    DayForm,
    PassFilterForm,
    ReasonForm,
    ShiftForm,
    VisitorForm,
)
from shoumen.checkpoints.models import Checkpoint, PassStatus, Verdict, VerdictReason
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.lib.throttle import public_page_limits
from shoumen.places.models import Level
from shoumen.places.selectors import org_unit_for, org_units_visible_to
from shoumen.registry.selectors import buildings_visible_to, household_for, person_for

MSG_CHECKPOINT_SAVED = _("Checkpoint %(name)s was saved.")
MSG_PASS_ISSUED = _("The pass was issued (version %(version)d).")
MSG_PASS_ISSUED_REVOKED = _(
    "The pass was issued (version %(version)d) but does not open the gate: %(reason)s."
)
MSG_PASS_REVOKED = _("The pass was revoked.")
MSG_PASS_RESTORED = _("The pass was restored.")
MSG_PASSES_ISSUED = _("%(count)d passes were issued.")
MSG_VISITOR_REGISTERED = _("Visitor %(name)s was registered.")
MSG_VISITOR_LEFT = _("The visitor's time out was recorded.")
# A visitor with a fever gets the resident's warning (the scan's "Deny · Temperature too high").
MSG_VISITOR_FEVER = _(
    "%(verdict)s · %(reason)s: %(name)s, %(temperature)s °C. Registered for tracing; do not let "
    "them in. Community staff have been notified."
)
EXPIRING_DAYS = 7
SHIFT_HOURS = 8


def _checkpoint(request, pk, perm=Perm.SCAN_PASSES) -> Checkpoint:
    return or_404(selectors.checkpoint_for, request.user, pk=pk, perm=perm)


def _day(request) -> datetime.date:
    form = DayForm(request.GET or None)
    return (form.is_valid() and form.cleaned_data["day"]) or today()


# ---------------------------------------------------------------- checkpoints


@login_required
@require_safe
def checkpoint_list(request):
    user = request.user
    if not (can(user, Perm.SCAN_PASSES) or can(user, Perm.MANAGE_PASSES)):
        raise deny()
    context = {
        "checkpoints": selectors.checkpoints_visible_to(user).order_by(
            "community__path", "name", "pk"
        ),
        "communities": list(selectors.communities_for_checkpoints(user)),
        "can_manage_passes": can(user, Perm.MANAGE_PASSES),
    }
    return render(request, "checkpoints/list.html", context)


def _checkpoint_form_page(request, form, *, title, community, checkpoint=None):
    context = {"form": form, "title": title, "community": community, "checkpoint": checkpoint}
    status = 400 if request.method == "POST" else 200
    return render(request, "checkpoints/form.html", context, status=status)


@login_required
def checkpoint_new(request, community_pk):
    community = or_404(org_unit_for, request.user, pk=community_pk, perm=Perm.MANAGE_CHECKPOINTS)
    if community.level != Level.COMMUNITY:
        raise Http404
    form = CheckpointForm(posted(request), buildings=selectors.buildings_of_community(community))
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_create(
                actor=request.user, community=community, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_CHECKPOINT_SAVED % {"name": checkpoint.name})
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return _checkpoint_form_page(request, form, title=_("New checkpoint"), community=community)


@login_required
def checkpoint_edit(request, pk):
    checkpoint = _checkpoint(request, pk, Perm.MANAGE_CHECKPOINTS)
    initial = {
        "name": checkpoint.name,
        "location": checkpoint.location,
        "opens_at": checkpoint.opens_at,
        "closes_at": checkpoint.closes_at,
        "buildings": list(checkpoint.buildings.all()),
        "is_active": checkpoint.is_active,
    }
    form = CheckpointForm(
        posted(request),
        initial=initial,
        buildings=selectors.buildings_of_community(checkpoint.community),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_update(
                actor=request.user, checkpoint=checkpoint, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_CHECKPOINT_SAVED % {"name": checkpoint.name})
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return _checkpoint_form_page(
        request,
        form,
        title=_("Edit checkpoint"),
        community=checkpoint.community,
        checkpoint=checkpoint,
    )


@login_required
@require_safe
def checkpoint_detail(request, pk):
    checkpoint = _checkpoint(request, pk)
    context = {
        "checkpoint": checkpoint,
        "buildings": list(checkpoint.buildings.order_by("name")),
        "can_manage": can(request.user, Perm.MANAGE_CHECKPOINTS, checkpoint.community),
    }
    return render(request, "checkpoints/detail.html", context)


def visitor_url(request, checkpoint: Checkpoint) -> str:
    return request.build_absolute_uri(
        reverse("checkpoints:visitor_self", args=[checkpoint.visitor_key])
    )


@login_required
@require_safe
def checkpoint_poster(request, pk):
    """The post's own QR, printed and put up at the gate: visitors scan it to register."""
    checkpoint = _checkpoint(request, pk, Perm.MANAGE_CHECKPOINTS)
    url = visitor_url(request, checkpoint)
    qr = segno.make(url, error="m")
    if request.GET.get("format") == "png":
        out = io.BytesIO()
        qr.save(out, kind="png", scale=12, border=3)
        return HttpResponse(out.getvalue(), content_type="image/png")
    context = {"checkpoint": checkpoint, "url": url, "qr_svg": qr.svg_inline(scale=8, border=2)}
    return render(request, "checkpoints/poster.html", context)


# ---------------------------------------------------------------- passes


def _pass_page(request, person, *, reason_form=None, status=200):
    context = {
        "person": person,
        "pass": selectors.pass_of(person),
        "reason_form": reason_form or ReasonForm(),
        "today": today(),
    }
    template = "checkpoints/_person_pass.html" if request.htmx else "checkpoints/person_pass.html"
    return render(request, template, context, status=status)


@login_required
@require_safe
def person_pass(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.MANAGE_PASSES)
    return _pass_page(request, person)


@login_required
@require_POST
def person_pass_issue(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.MANAGE_PASSES)
    try:
        pass_ = services.pass_issue(actor=request.user, person=person)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if pass_.status == PassStatus.REVOKED:  # a blocking reason holds: say so, not "issued"
            reason = pass_.get_revoke_reason_display()
            messages.warning(
                request, MSG_PASS_ISSUED_REVOKED % {"version": pass_.version, "reason": reason}
            )
        else:
            messages.success(request, MSG_PASS_ISSUED % {"version": pass_.version})
    return redirect("registry:person", pk=person.pk)


def _pass_change(request, pk, service, done_message):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.MANAGE_PASSES)
    pass_ = selectors.pass_of(person)
    if pass_ is None:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, pass_=pass_, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect("registry:person", pk=person.pk)
    return _pass_page(request, person, reason_form=form, status=400)


@login_required
@require_POST
def person_pass_revoke(request, pk):
    return _pass_change(request, pk, services.pass_revoke, MSG_PASS_REVOKED)


@login_required
@require_POST
def person_pass_restore(request, pk):
    return _pass_change(request, pk, services.pass_restore, MSG_PASS_RESTORED)


CARD_CONTENT_TYPES = {"png": "image/png", "pdf": "application/pdf"}


@login_required
@require_safe
@never_cache
def person_pass_card(request, pk, fmt):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.MANAGE_PASSES)
    pass_ = selectors.pass_of(person)
    if pass_ is None or fmt not in CARD_CONTENT_TYPES:
        raise Http404
    content = services.pass_card_export(actor=request.user, pass_=pass_, fmt=fmt)
    filename = f"pass-{pass_.pk}-v{pass_.version}.{fmt}"
    return HttpResponse(
        content,
        content_type=CARD_CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition_header(False, filename)},
    )


def _pass_units(user):
    return org_units_visible_to(user, Perm.MANAGE_PASSES).filter(
        level__in=[Level.COMMUNITY, Level.GRID]
    )


@login_required
@require_safe
def pass_list(request):
    user = request.user
    if not can(user, Perm.MANAGE_PASSES):
        raise deny()
    form = PassFilterForm(request.GET or None, units=_pass_units(user))
    filters = selectors.PassFilters()
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        expiring_by = today() + datetime.timedelta(days=EXPIRING_DAYS) if data["expiring"] else None
        filters = selectors.PassFilters(unit=unit, status=data["status"], expiring_by=expiring_by)
    buildings = (
        buildings_visible_to(user, Perm.MANAGE_PASSES)
        .filter(grid__path__startswith=unit.path)
        .order_by("name", "pk")
        if unit is not None
        else None
    )
    context = {
        "form": form,
        "page": paginate(request, selectors.passes_list(user, filters)),
        "bulk_form": BulkIssueForm(buildings=buildings) if buildings is not None else None,
        "today": today(),
    }
    return render(request, "checkpoints/passes.html", context)


def _safe_next(request) -> str:
    url = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if allowed else ""


@login_required
@require_POST
def pass_issue_bulk(request):
    user = request.user
    if not can(user, Perm.MANAGE_PASSES):
        raise deny()
    form = BulkIssueForm(request.POST, buildings=buildings_visible_to(user, Perm.MANAGE_PASSES))
    if form.is_valid():
        data = form.cleaned_data
        household = (
            or_404(household_for, user, pk=data["household"], perm=Perm.MANAGE_PASSES)
            if data["household"]
            else None
        )
        try:
            issued = services.passes_issue_missing(
                actor=user, building=data["building"], household=household
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PASSES_ISSUED % {"count": len(issued)})
            return redirect(_safe_next(request) or reverse("checkpoints:passes"))
    context = {"form": form}
    return render(request, "checkpoints/bulk_issue_errors.html", context, status=400)


# ---------------------------------------------------------------- visitors


def _visitor_values(form, community) -> dict:
    data = form.cleaned_data
    household = None
    if data["building"] is not None and data["door_number"] and not data["visiting"]:
        household = selectors.household_at(
            community, data["building"], data["unit"], data["door_number"]
        )
    return {
        "name": data["name"],
        "phone": data["phone"],
        "household": household,
        "visiting": "" if household is not None else form.typed_address(),
        "reason": data["reason"],
        "temperature": data["temperature"],
    }


def _fever_message(visitor) -> str:
    return str(
        MSG_VISITOR_FEVER
        % {
            "verdict": Verdict.DENY.label,
            "reason": VerdictReason.FEVER.label,
            "name": visitor.name,
            "temperature": visitor.temperature,
        }
    )


@login_required
def visitor_new(request, pk):
    checkpoint = _checkpoint(request, pk)
    form = VisitorForm(
        posted(request), buildings=selectors.buildings_of_community(checkpoint.community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            visitor = visitor_services.visitor_register(
                actor=request.user,
                checkpoint=checkpoint,
                client_uuid=form.cleaned_data["client_uuid"],
                **_visitor_values(form, checkpoint.community),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"household": "building"})
        else:
            if visitor_services.visitor_has_fever(visitor):
                messages.error(request, _fever_message(visitor))
            else:
                messages.success(request, MSG_VISITOR_REGISTERED % {"name": visitor.name})
            return redirect("checkpoints:visitors", pk=checkpoint.pk)
    status = 400 if request.method == "POST" else 200
    context = {"checkpoint": checkpoint, "form": form}
    return render(request, "checkpoints/visitor_form.html", context, status=status)


@never_cache
@public_page_limits("visitor-self")
def visitor_self(request, key):
    """Reached by scanning the post's own QR: no login, a phone-sized form."""
    checkpoint = or_404(selectors.checkpoint_by_visitor_key, key)
    form = VisitorForm(
        posted(request), buildings=selectors.buildings_of_community(checkpoint.community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            visitor = visitor_services.visitor_register(
                actor=None,
                checkpoint=checkpoint,
                client_uuid=form.cleaned_data["client_uuid"],
                **_visitor_values(form, checkpoint.community),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"household": "building"})
        else:
            done = {"checkpoint": checkpoint, "visitor": visitor}
            if visitor_services.visitor_has_fever(visitor):
                refused = {
                    **done,
                    "verdict": Verdict.DENY.label,
                    "reason": VerdictReason.FEVER.label,
                }
                return render(request, "checkpoints/visitor_self_fever.html", refused)
            return render(request, "checkpoints/visitor_self_done.html", done)
    status = 400 if request.method == "POST" else 200
    context = {"checkpoint": checkpoint, "form": form}
    return render(request, "checkpoints/visitor_self.html", context, status=status)


@login_required
@require_POST
def visitor_leave(request, pk):
    visitor = or_404(selectors.visitor_for, request.user, pk=pk)
    try:
        visitor_services.visitor_leave(actor=request.user, visitor=visitor)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, MSG_VISITOR_LEFT)
    day = timezone.localdate(visitor.arrived_at)
    url = reverse("checkpoints:visitors", args=[visitor.checkpoint_id])
    return redirect(f"{url}?day={day.isoformat()}")


@login_required
@require_POST
@never_cache  # the plaintext must not stay in a browser or proxy cache
def visitor_reveal(request, pk):
    # Those who run the gates may reveal a visitor's contact: the right to reveal residents'
    # numbers alone (a family doctor's) does not reach the gates' visitors.
    visitor = or_404(selectors.visitor_for, request.user, pk=pk, perm=Perm.MANAGE_CHECKPOINTS)
    form = ReasonForm(request.POST)
    contact = None
    if form.is_valid():
        try:
            contact = visitor_services.visitor_reveal(
                actor=request.user, visitor=visitor, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"visitor": visitor, "form": form, "contact": contact}
    # htmx swaps the fragment in place; without JavaScript the fragment gets a page around it.
    template = (
        "checkpoints/_visitor_reveal.html" if request.htmx else "checkpoints/visitor_reveal.html"
    )
    return render(request, template, context, status=200 if contact is not None else 422)


def _day_bounds(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


@login_required
@require_safe
def visitor_ledger(request, pk):
    checkpoint = _checkpoint(request, pk)
    day = _day(request)
    visitors = selectors.visitors_of(checkpoint, *_day_bounds(day)).order_by("arrived_at", "pk")
    context = {
        "checkpoint": checkpoint,
        "day": day,
        "day_form": DayForm(initial={"day": day}),
        "page": paginate(request, visitors, per_page=50),
        "can_reveal": can(request.user, Perm.REVEAL_SENSITIVE, checkpoint.community),
    }
    return render(request, "checkpoints/visitors.html", context)


# ---------------------------------------------------------------- traffic and ledgers


@login_required
@require_safe
def traffic(request, pk):
    checkpoint = _checkpoint(request, pk)
    day = _day(request)
    reasons = dict(VerdictReason.choices)
    denials = selectors.denials_by_hour(checkpoint, day)
    hours = [
        {
            **row,
            "denials_by_reason": [
                (reasons.get(reason, reason), n)
                for reason, n in sorted(denials.get(row["hour"], {}).items())
            ],
        }
        for row in selectors.traffic_by_hour(checkpoint, day)
    ]
    totals = {
        key: sum(row[key] for row in hours)
        for key in ("entries", "exits", "denials", "fevers", "flagged")
    }
    context = {
        "checkpoint": checkpoint,
        "day": day,
        "day_form": DayForm(initial={"day": day}),
        "hours": hours,
        "totals": totals,
    }
    return render(request, "checkpoints/traffic.html", context)


@login_required
@require_safe
def handover(request, pk):
    checkpoint = _checkpoint(request, pk)
    # Up to the end of the current minute, the precision the form's fields have.
    end = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    form = ShiftForm(request.GET or None)
    start = end - datetime.timedelta(hours=SHIFT_HOURS)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    reasons = dict(VerdictReason.choices)
    summary = selectors.shift_summary(checkpoint, start, end)
    context = {
        "checkpoint": checkpoint,
        "form": form if form.is_bound else ShiftForm(initial={"start": start, "end": end}),
        "start": start,
        "end": end,
        "summary": summary,
        "denials": sorted(
            ((reasons.get(r, r), n) for r, n in summary.denials_by_reason.items()),
            key=lambda item: -item[1],
        ),
    }
    return render(request, "checkpoints/handover.html", context)


@login_required
@require_safe
def ledger_xlsx(request, pk):
    checkpoint = _checkpoint(request, pk)
    day = _day(request)
    content = services.checkpoint_ledger_export(actor=request.user, checkpoint=checkpoint, day=day)
    disposition = content_disposition_header(True, reports.ledger_filename(checkpoint, day))
    return HttpResponse(
        content,
        content_type=reports.XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": disposition},
    )
