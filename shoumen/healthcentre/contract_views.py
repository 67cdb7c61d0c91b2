"""Contract pages, phone first: the list (the team's or the centre's, awaiting ones first,
confirmed in one tap), one contract with its actions, signing a resident up, the ledger.

Access: ``view_health_records`` somewhere, else 403 (officers see indicators, never a
patient); a contract outside the actor's communities is a 404; acting on one needs to be
on its team or to manage contracts over the resident (403 otherwise)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.healthcentre import contract_selectors as sel
from shoumen.healthcentre.contract_forms import (
    ChangeForm,
    ContractFiltersForm,
    ReasonForm,
    SignForm,
)
from shoumen.healthcentre.contract_ledger import contracts_ledger_export
from shoumen.healthcentre.contract_services import (
    contract_change,
    contract_confirm,
    contract_decline,
    contract_end,
    contract_renew,
    contract_sign,
    may_manage,
    renewal_opens_on,
)
from shoumen.healthcentre.models import ContractStatus
from shoumen.healthcentre.page_helpers import download_response, resident_pick, submit
from shoumen.healthcentre.setup_selectors import centres_of, teams_of
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import or_404, paginate, posted

MSG_SIGNED = _("Contract signed.")
MSG_SIGNED_PENDING = _("Contract signed; it awaits the team's confirmation.")
MSG_CONFIRMED = _("Contract confirmed.")
MSG_DECLINED = _("Contract declined.")
MSG_RENEWED = _("Contract renewed for another term.")
MSG_CHANGED = _("The resident moves to the other team once it confirms.")
MSG_ENDED = _("Contract closed.")


def _health(request) -> None:
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)


@login_required
@require_safe
def contracts(request):
    _health(request)
    teams = sel.teams_for_contracts(request.user)
    mine = list(teams_of(request.user))
    query = request.GET.copy()
    if "team" not in query and mine:
        # A doctor's list is their own team's; "All teams" widens it to the centre's.
        query["team"] = str(mine[0].pk)
    filters = ContractFiltersForm(query, teams=teams)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = sel.contracts_list(
        request.user,
        sel.ContractFilters(
            status=data.get("status", ""),
            team=data.get("team"),
            ending=bool(data.get("ending")),
        ),
    )
    context = {
        "filters": filters,
        "page": paginate(request, qs),
        "my_teams": mine,
        "centres": list(centres_of(request.user, Perm.MANAGE_HEALTH_CENTRE)),
        "can_export": can(request.user, Perm.EXPORT_HEALTH_LEDGERS),
        "can_sign": can(request.user, Perm.MANAGE_CONTRACTS) or bool(mine),
    }
    return render(request, "healthcentre/contracts/list.html", context)


def _contract(request, pk):
    _health(request)
    return or_404(sel.contract_for, request.user, pk)


def _detail(request, contract, *, change_form=None, reason_form=None, status=200):
    manages = may_manage(request.user, contract)
    active = contract.status == ContractStatus.ACTIVE
    opens = renewal_opens_on(contract)
    teams = [t for t in sel.teams_for_contracts(request.user) if t.pk != contract.team_id]
    context = {
        "contract": contract,
        "packages": list(contract.packages.all()),
        "history": sel.contract_history(contract),
        "manages": manages,
        "pending": contract.status == ContractStatus.PENDING,
        "active": active,
        "can_renew": manages and active and opens is not None and today() >= opens,
        "renew_opens": opens,
        "change_form": change_form
        or (
            ChangeForm(teams=teams, packages=sel.personalised_packages(request.user))
            if manages and active and teams
            else None
        ),
        "reason_form": reason_form or ReasonForm(),
    }
    return render(request, "healthcentre/contracts/detail.html", context, status=status)


@login_required
@require_safe
def contract(request, pk):
    return _detail(request, _contract(request, pk))


def _back(request, contract):
    if request.POST.get("next") == "list":
        return redirect("health:contracts")
    return redirect("health:contract", pk=contract.pk)


def _act(request, pk, action, message):
    found = _contract(request, pk)
    try:
        done = action(found)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _detail(request, found, status=400)
    messages.success(request, message)
    return _back(request, done)


@login_required
@require_POST
def contract_confirm_view(request, pk):
    return _act(
        request, pk, lambda c: contract_confirm(actor=request.user, contract=c), MSG_CONFIRMED
    )


@login_required
@require_POST
def contract_renew_view(request, pk):
    return _act(request, pk, lambda c: contract_renew(actor=request.user, contract=c), MSG_RENEWED)


def _managed(request, pk):
    found = _contract(request, pk)
    if not may_manage(request.user, found):
        raise deny()
    return found


def _with_reason(request, pk, service, message):
    found = _managed(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, reason_form=form, status=400)
    reason = form.cleaned_data["reason"]
    return _act(
        request, pk, lambda c: service(actor=request.user, contract=c, reason=reason), message
    )


@login_required
@require_POST
def contract_decline_view(request, pk):
    return _with_reason(request, pk, contract_decline, MSG_DECLINED)


@login_required
@require_POST
def contract_end_view(request, pk):
    return _with_reason(request, pk, contract_end, MSG_ENDED)


@login_required
@require_POST
def contract_change_view(request, pk):
    found = _managed(request, pk)
    teams = [t for t in sel.teams_for_contracts(request.user) if t.pk != found.team_id]
    form = ChangeForm(request.POST, teams=teams, packages=sel.personalised_packages(request.user))
    done = submit(
        request,
        form,
        lambda data: contract_change(
            actor=request.user, contract=found, team=data["team"], packages=data["packages"]
        ),
        message=MSG_CHANGED,
        then=lambda new: redirect("health:contract", pk=new.pk),
    )
    return done or _detail(request, found, change_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contract_new(request):
    """Sign a resident up: find them in one's communities, then choose team and packages."""
    _health(request)
    pick = resident_pick(request, Perm.VIEW_HEALTH_RECORDS)
    person = pick.person
    mine = [t.pk for t in teams_of(request.user)]
    form = SignForm(
        posted(request) if person else None,
        teams=sel.teams_for_contracts(request.user),
        packages=sel.personalised_packages(request.user),
        initial={"team": mine[0]} if mine else {},
    )
    if request.method == "POST" and person is not None:
        done = submit(
            request,
            form,
            lambda data: contract_sign(
                actor=request.user,
                person=person,
                team=data["team"],
                packages=data["packages"],
                client_uuid=data["client_uuid"],
            )[0],
            message=lambda signed: (
                MSG_SIGNED_PENDING if signed.status == ContractStatus.PENDING else MSG_SIGNED
            ),
            then=lambda signed: redirect("health:contract", pk=signed.pk),
        )
        if done:
            return done
    context = {"person": person, "q": pick.q, "candidates": pick.candidates, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "healthcentre/contracts/new.html", context, status=status)


@login_required
@require_safe
def contracts_ledger(request):
    require_somewhere(request.user, Perm.EXPORT_HEALTH_LEDGERS)
    download = contracts_ledger_export(actor=request.user)
    return download_response(download)
