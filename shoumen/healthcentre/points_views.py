"""Work points: the month's points of each member of the centre's teams (the manager) or
one's own (everyone on a team), how one person's points came about, and the manager's
rules table.

Access: health roles (``view_health_records``; 403 for others); a person's page is theirs
and their centre manager's (404 for anyone else); the rules are the manager's (403)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.healthcentre import points_selectors as sel
from shoumen.healthcentre.models import PointActivity
from shoumen.healthcentre.page_helpers import submit
from shoumen.healthcentre.points_forms import RulesForm
from shoumen.healthcentre.points_rules import parse_month
from shoumen.healthcentre.points_services import point_rules_update
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import posted

MSG_SAVED = _("The work-point rules are saved.")


def _month(request):
    return parse_month(request.GET.get("month")) or today().replace(day=1)


@login_required
@require_safe
def points(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    month = _month(request)
    tables = [
        (centre, sel.points_table(centre, month, sel.centre_members(centre)))
        for centre in sel.managed_centres(request.user)
    ]
    manager = bool(tables)
    if not manager:
        centre = sel.member_centre(request.user)
        if centre is not None:
            tables = [(centre, sel.points_table(centre, month, [request.user]))]
    context = {
        "month": month,
        "tables": tables,
        "manager": manager,
        "activities": [a for a in PointActivity if a != PointActivity.SATISFACTION_POINT],
    }
    return render(request, "healthcentre/points/list.html", context)


@login_required
@require_safe
def points_person(request, user_id: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise Http404
    centre = sel.points_centre_for(request.user, target)
    if centre is None:
        raise Http404
    month = _month(request)
    (row,) = sel.points_table(centre, month, [target])
    context = {
        "month": month,
        "centre": centre,
        "target": target,
        "row": row,
        "items": sel.points_items(centre, target, month),
    }
    return render(request, "healthcentre/points/person.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def point_rules(request):
    centres = list(sel.managed_centres(request.user))
    if not centres:
        raise deny()
    by_pk = {str(c.pk): c for c in centres}
    centre = by_pk.get(request.POST.get("centre") or request.GET.get("centre") or "", centres[0])
    form = RulesForm(posted(request), rules=sel.rules_of(centre))
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda data: point_rules_update(actor=request.user, centre=centre, points=data),
            message=MSG_SAVED,
            then=lambda _saved: redirect(f"{request.path}?centre={centre.pk}"),
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "centre": centre, "centres": centres}
    return render(request, "healthcentre/points/rules.html", context, status=status)
