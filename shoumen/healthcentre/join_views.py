"""The public sign-up page behind a team's QR code (no login): the resident says who they
are (name and ID number, or name and phone), then chooses whom of their household to sign
up; each gets a contract awaiting the team.

A wrong identity gets one and the same message whatever was wrong; an unknown or
replaced code is a 404. POSTs and probes are rate-limited per client like the self-report
link; the checked identity rides in a signed, short-lived field, not in the address."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shoumen.healthcentre.contract_selectors import packages_for
from shoumen.healthcentre.contract_services import contract_request
from shoumen.healthcentre.join_forms import ChooseForm, IdentifyForm
from shoumen.healthcentre.join_selectors import (
    household_to_sign,
    identify,
    identity_from_pass,
    identity_pass,
)
from shoumen.healthcentre.setup_selectors import team_by_token, team_members
from shoumen.lib.throttle import kept_private, public_page_limits

ERR_IDENTITY = _(
    "We could not confirm who you are with these details. Check them, or ask the team at "
    "the clinic: sign-up here is for residents of the communities this centre serves."
)
ERR_EXPIRED = _("The page waited too long: please say who you are again.")
STEP_IDENTIFY = "identify"
STEP_SIGN = "sign"


def _personalised(team) -> list:
    return [p for p in packages_for(team) if p.kind == "personalised"]


def _page(request, team, *, status=200, **context):
    context = {
        "team": team,
        "centre": team.centre,
        "members": team_members(team),
        **context,
    }
    return kept_private(render(request, "healthcentre/join/join.html", context, status=status))


def _choose(request, team, person, form=None, status=200):
    entries = household_to_sign(person)
    form = form or ChooseForm(
        entries=entries, packages=_personalised(team), initial={"members": [person.pk]}
    )
    return _page(
        request, team, status=status, step=STEP_SIGN, form=form, pass_=identity_pass(team, person)
    )


def _sign(request, team):
    person = identity_from_pass(team, request.POST.get("pass", ""))
    if person is None:
        return _page(
            request, team, status=400, step=STEP_IDENTIFY, form=IdentifyForm(), error=ERR_EXPIRED
        )
    entries = household_to_sign(person)
    form = ChooseForm(request.POST, entries=entries, packages=_personalised(team))
    if not form.is_valid():
        return _choose(request, team, person, form=form, status=400)
    chosen = set(form.cleaned_data["members"])
    results = []
    for entry in entries:
        if entry["person"].pk not in chosen:
            continue
        try:
            contract_request(
                team=team, person=entry["person"], packages=form.cleaned_data["packages"]
            )
        except ValidationError as exc:
            results.append({"name": entry["name"], "ok": False, "message": exc.messages[0]})
        else:
            results.append({"name": entry["name"], "ok": True})
    return _page(request, team, step="done", results=results)


# The code in the address is printed on a public poster: it opens the page and nothing
# else. The page's "no-referrer" policy makes browsers send "Origin: null" with its forms,
# which Django's CSRF check refuses; what a forged POST can do (a request the team still
# confirms) needs a fresh signed identity anyway.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@public_page_limits("health-join")
def join(request, token):
    team = team_by_token(token)
    if team is None:
        return kept_private(render(request, "healthcentre/join/invalid.html", status=404))
    if request.method != "POST":
        return _page(request, team, step=STEP_IDENTIFY, form=IdentifyForm())
    if request.POST.get("step") == STEP_SIGN:
        return _sign(request, team)
    form = IdentifyForm(request.POST)
    if not form.is_valid():
        return _page(request, team, status=400, step=STEP_IDENTIFY, form=form)
    person = identify(team, **form.cleaned_data)
    if person is None:
        return _page(request, team, status=400, step=STEP_IDENTIFY, form=form, error=ERR_IDENTITY)
    return _choose(request, team, person)
