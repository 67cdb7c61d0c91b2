"""The centre's set-up pages, for its managers: the centre with its teams and packages, a
team (members, grids, service phone, its QR poster and replacing its code), packages.

Access: ``manage_health_centre`` somewhere, else 403; a centre, team or package of a
centre the manager does not serve is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.healthcentre import setup_selectors as sel
from shoumen.healthcentre.page_helpers import submit
from shoumen.healthcentre.setup_forms import MemberAddForm, PackageForm, TeamForm, TeamNewForm
from shoumen.healthcentre.setup_services import (
    centre_grids,
    member_candidates,
    package_create,
    package_update,
    team_create,
    team_member_add,
    team_member_remove,
    team_token_replace,
    team_update,
)
from shoumen.lib.pages import or_404, posted
from shoumen.lib.qr import qr_svg_inline

MSG_TEAM_ADDED = _("Team added. Add its members and print its code.")
MSG_TEAM_SAVED = _("Team saved.")
MSG_TOKEN_REPLACED = _("A new code was made: print the new poster; the old one no longer works.")
MSG_MEMBER_ADDED = _("Member added.")
MSG_MEMBER_REMOVED = _("Member removed.")
MSG_PACKAGE_SAVED = _("Package saved.")
ERR_NO_MEMBER = _("Choose a member of this team.")


def _manager(request) -> None:
    require_somewhere(request.user, Perm.MANAGE_HEALTH_CENTRE)


def _centre_page(request, centre, *, form=None, status=200):
    context = {
        "centre": centre,
        "teams": sel.centre_teams(centre),
        "packages": sel.centre_packages(centre),
        "form": form or TeamNewForm(grids=centre_grids(centre)),
    }
    return render(request, "healthcentre/setup/centre.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def centre(request, pk):
    """The centre with its teams and packages; adding a team."""
    _manager(request)
    found = or_404(sel.centre_for, request.user, pk)
    if request.method != "POST":
        return _centre_page(request, found)
    form = TeamNewForm(request.POST, grids=centre_grids(found))
    done = submit(
        request,
        form,
        lambda data: team_create(
            actor=request.user,
            centre=found,
            name=data["name"],
            grids=data["grids"],
            phone=data["phone"],
        ),
        message=MSG_TEAM_ADDED,
        then=lambda team: redirect("health:team", pk=team.pk),
    )
    return done or _centre_page(request, found, form=form, status=400)


def _team(request, pk):
    _manager(request)
    return or_404(sel.team_for, request.user, pk)


def _team_page(request, team, *, form=None, member_form=None, status=200):
    context = {
        "team": team,
        "centre": team.centre,
        "members": sel.team_members(team),
        "grids": list(team.grids.order_by("path")),
        "form": form
        or TeamForm(
            grids=centre_grids(team.centre),
            initial={"grids": [g.pk for g in team.grids.all()], "phone": team.phone},
        ),
        "member_form": member_form or MemberAddForm(candidates=member_candidates(team)),
    }
    return render(request, "healthcentre/setup/team.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def team(request, pk):
    """A team: its members, the grids it serves and its service phone (edited here)."""
    found = _team(request, pk)
    if request.method != "POST":
        return _team_page(request, found)
    form = TeamForm(request.POST, grids=centre_grids(found.centre))
    done = submit(
        request,
        form,
        lambda data: team_update(
            actor=request.user, team=found, grids=data["grids"], phone=data["phone"]
        ),
        message=MSG_TEAM_SAVED,
        then=lambda _saved: redirect("health:team", pk=found.pk),
    )
    return done or _team_page(request, found, form=form, status=400)


@login_required
@require_POST
def team_members(request, pk):
    """Add a member (``user`` and ``role``) or remove one (``remove``: the member's id)."""
    found = _team(request, pk)
    remove = request.POST.get("remove", "")
    if remove:
        member = next((m for m in sel.team_members(found) if str(m.pk) == remove), None)
        if member is None:
            messages.error(request, ERR_NO_MEMBER)
            return _team_page(request, found, status=400)
        team_member_remove(actor=request.user, team=found, member=member)
        messages.success(request, MSG_MEMBER_REMOVED)
        return redirect("health:team", pk=found.pk)
    form = MemberAddForm(request.POST, candidates=member_candidates(found))
    done = submit(
        request,
        form,
        lambda data: team_member_add(
            actor=request.user, team=found, user=data["user"], role=data["role"]
        ),
        message=MSG_MEMBER_ADDED,
        then=lambda _added: redirect("health:team", pk=found.pk),
    )
    return done or _team_page(request, found, member_form=form, status=400)


@login_required
@require_POST
def team_token_replace_view(request, pk):
    found = _team(request, pk)
    team_token_replace(actor=request.user, team=found)
    messages.success(request, MSG_TOKEN_REPLACED)
    return redirect("health:team_poster", pk=found.pk)


@login_required
@require_safe
def team_poster(request, pk):
    """The team's QR code as a printable poster: scanning it opens the sign-up page."""
    found = _team(request, pk)
    url = request.build_absolute_uri(reverse("health:join", args=[found.signup_token]))
    context = {
        "team": found,
        "centre": found.centre,
        "members": sel.team_members(found),
        "url": url,
        "qr": qr_svg_inline(url, scale=8),
    }
    response = render(request, "healthcentre/setup/poster.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _packages_page(request, centre, *, form=None, status=200):
    context = {
        "centre": centre,
        "packages": sel.centre_packages(centre),
        "form": form or PackageForm(),
    }
    return render(request, "healthcentre/setup/packages.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def packages(request, pk):
    """The centre's service packages; adding one."""
    _manager(request)
    found = or_404(sel.centre_for, request.user, pk)
    if request.method != "POST":
        return _packages_page(request, found)
    form = PackageForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: package_create(actor=request.user, centre=found, **data),
        message=MSG_PACKAGE_SAVED,
        then=lambda _package: redirect("health:packages", pk=found.pk),
    )
    return done or _packages_page(request, found, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def package_edit(request, pk):
    _manager(request)
    package = or_404(sel.package_for, request.user, pk)
    initial = {
        f: getattr(package, f) for f in ("code", "name", "kind", "fee", "description", "active")
    }
    form = PackageForm(posted(request), initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        done = submit(
            request,
            form,
            lambda data: package_update(
                actor=request.user,
                package=package,
                **{k: v for k, v in data.items() if k != "code"},
            ),
            message=MSG_PACKAGE_SAVED,
            then=lambda _saved: redirect("health:packages", pk=package.centre_id),
        )
        if done:
            return done
    context = {"package": package, "centre": package.centre, "form": form}
    return render(request, "healthcentre/setup/package_edit.html", context, status=status)
