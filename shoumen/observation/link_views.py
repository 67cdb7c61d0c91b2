"""Self-report links: the worker's page (issue, regenerate, revoke, print the card) and the
public page behind the link, which needs no login."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.lib.names import mask_name
from shoumen.lib.pages import add_service_errors, or_404
from shoumen.lib.qr import qr_png, qr_svg, qr_svg_inline
from shoumen.lib.throttle import kept_private, public_page_limits
from shoumen.observation.link_forms import LinkIssueForm, LinkRevokeForm, SelfReportForm
from shoumen.observation.link_sections import link_section, link_sections_shown
from shoumen.observation.links import (
    household_candidates,
    link_reports_today,
    link_subjects,
    report_link_card_shown,
    report_link_for,
    report_link_issue,
    report_link_regenerate,
    report_link_resolve,
    report_link_revoke,
    report_link_submit,
    report_link_token,
)
from shoumen.observation.models import ReportLink, Slot
from shoumen.registry.selectors import person_for

MSG_ISSUED = _("The self-report link is ready: print the card or send the link.")
MSG_REGENERATED = _("A new link was made; the old card and link no longer work.")
MSG_REVOKED = _("The link was revoked.")
MSG_SUBMITTED = _("Thank you, your report was received.")
NOON = datetime.time(12, 0)


# ---------------------------------------------------------------- the worker's pages


def _holder(request, pk):
    return or_404(person_for, request.user, pk=pk, perm=Perm.RECORD_HEALTH_REPORTS)


def _link_page(request, holder, *, status=200, issue_form=None, revoke_form=None):
    link = ReportLink.objects.filter(holder=holder).first()
    candidates = household_candidates(holder)
    now = timezone.now()
    context = {
        "holder": holder,
        "link": link,
        "live": link is not None and link.revoked_at is None and link.expires_at > now,
        "subjects": list(link.subjects.order_by("pk")) if link else [],
        "candidates": candidates,
        "issue_form": issue_form
        or LinkIssueForm(
            candidates=candidates,
            initial={"subjects": [str(p.pk) for p in (link.subjects.all() if link else [holder])]},
        ),
        "revoke_form": revoke_form or LinkRevokeForm(),
    }
    return render(request, "observation/link_person.html", context, status=status)


@login_required
@require_safe
def link_person(request, pk):
    return _link_page(request, _holder(request, pk))


@login_required
@require_POST
def link_issue(request, pk):
    holder = _holder(request, pk)
    form = LinkIssueForm(request.POST, candidates=household_candidates(holder))
    if form.is_valid():
        try:
            link = report_link_issue(
                actor=request.user, holder=holder, subjects=form.cleaned_data["subjects"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ISSUED)
            return redirect("links:card", pk=link.pk)
    return _link_page(request, holder, status=400, issue_form=form)


def _link(request, pk) -> ReportLink:
    return or_404(report_link_for, request.user, pk=pk)


@login_required
@require_POST
def link_regenerate(request, pk):
    link = report_link_regenerate(actor=request.user, link=_link(request, pk))
    messages.success(request, MSG_REGENERATED)
    return redirect("links:card", pk=link.pk)


@login_required
@require_POST
def link_revoke(request, pk):
    link = _link(request, pk)
    form = LinkRevokeForm(request.POST)
    if form.is_valid():
        try:
            report_link_revoke(actor=request.user, link=link, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_REVOKED)
            return redirect("links:person", pk=link.holder_id)
    return _link_page(request, link.holder, status=400, revoke_form=form)


def _url(request, link: ReportLink) -> str:
    return request.build_absolute_uri(reverse("links:self_report", args=[report_link_token(link)]))


@login_required
@require_safe
def link_card(request, pk):
    link = _link(request, pk)
    url = _url(request, link)
    report_link_card_shown(actor=request.user, link=link, fmt="page")
    context = {
        "link": link,
        "url": url,
        "qr": qr_svg_inline(url),
        "names": [mask_name(p.name) for p in link_subjects(link)],
        "live": link.revoked_at is None and link.expires_at > timezone.now(),
    }
    return render(request, "observation/link_card.html", context)


@login_required
@require_safe
def link_qr_png(request, pk):
    link = _link(request, pk)
    report_link_card_shown(actor=request.user, link=link, fmt="png")
    response = HttpResponse(qr_png(_url(request, link)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="report-link-{link.pk}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def link_qr_svg(request, pk):
    link = _link(request, pk)
    report_link_card_shown(actor=request.user, link=link, fmt="svg")
    response = HttpResponse(qr_svg(_url(request, link)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="report-link-{link.pk}.svg"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the public page


def _slot_now(now: datetime.datetime) -> str:
    return Slot.MORNING if timezone.localtime(now).time() < NOON else Slot.AFTERNOON


# The token in the address is the only credential (no login, no cookie is relied on), and
# the page's "no-referrer" policy makes browsers send "Origin: null" with its forms, which
# Django's CSRF check refuses: a forged POST needs the secret token anyway.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@public_page_limits("self-report")
def self_report(request, token):
    """The page behind a personal link: one short form per person the link reports for.

    A forged, superseded, expired or revoked link gets one and the same "not valid" page."""
    link = report_link_resolve(token)
    if link is None:
        return kept_private(render(request, "observation/link_invalid.html", status=404))
    now = timezone.now()
    day, slot = timezone.localdate(now), _slot_now(now)
    subjects = link_subjects(link)
    forms = [SelfReportForm(prefix=f"s{i}", slot=slot) for i in range(len(subjects))]
    status = 200
    states: dict = {}
    section = link_section(request.POST.get("section", "")) if request.method == "POST" else None
    if section is not None:
        # A part of the page another app adds (a request for help, a delivery confirmed).
        posted = section.post(request, link, subjects)
        if posted.ok:
            if posted.message:
                messages.success(request, posted.message)
            return kept_private(redirect(request.path))
        states[section.key] = posted.state
        status = 400
    elif request.method == "POST":
        index = _subject_index(request.POST.get("subject"), len(subjects))
        if index is None:
            status = 400
        else:
            form = SelfReportForm(request.POST, prefix=f"s{index}", slot=slot)
            forms[index] = form
            if form.is_valid():
                row = form.row(person_id=subjects[index].pk, day=day)
                (result,) = report_link_submit(link=link, rows=[row])
                if result.result != "error":
                    messages.success(request, MSG_SUBMITTED)
                    return kept_private(redirect(request.path))
                add_service_errors(form, ValidationError(result.errors))
            status = 400
    done = link_reports_today(link, [p.pk for p in subjects], day)
    entries = [
        {
            "index": i,
            "name": mask_name(person.name),
            "form": forms[i],
            "done": [
                (Slot(s).label, done[(person.pk, s)]) for s in Slot.values if (person.pk, s) in done
            ],
        }
        for i, person in enumerate(subjects)
    ]
    context = {
        "entries": entries,
        "day": day,
        "expires_at": link.expires_at,
        "sections": link_sections_shown(request, link, subjects, states),
    }
    return kept_private(render(request, "observation/link_public.html", context, status=status))


def _subject_index(value, count: int) -> int | None:
    try:
        index = int(value)
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < count else None
