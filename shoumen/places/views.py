"""The jurisdiction tree: the actor's subtree, one unit with its children, and the
create / rename / move forms for unit managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.pages import add_service_errors, or_404, paginate
from shoumen.places.figures import figures_of, with_grid_figures
from shoumen.places.forms import OrgUnitCreateForm, OrgUnitMoveForm, OrgUnitRenameForm
from shoumen.places.models import child_level
from shoumen.places.selectors import (
    ancestors_of,
    children_of,
    org_unit_for,
    org_units_visible_to,
)
from shoumen.places.services import org_unit_create, org_unit_move, org_unit_rename

TREE_PAGE_SIZE = 100
MSG_CREATED = _("%(name)s was created.")
MSG_RENAMED = _("The unit was renamed.")
MSG_MOVED = _("The unit was moved, with everything under it.")


@login_required
@require_safe
def tree(request):
    if not can(request.user, Perm.VIEW_REGISTRY):
        raise PermissionDenied
    page = paginate(request, org_units_visible_to(request.user), TREE_PAGE_SIZE)
    top_depth = min((u.depth for u in page), default=1)
    return render(request, "places/tree.html", {"page": page, "top_depth": top_depth})


def _unit_page(request, unit, *, status=200, **forms):
    child = child_level(unit.level)
    manage = can(request.user, Perm.MANAGE_ORG_UNITS, unit)
    if child is None:
        children = None
    elif child == "grid":
        children = with_grid_figures(children_of(request.user, unit))
    else:
        children = children_of(request.user, unit)
    page = None if children is None else paginate(request, children, TREE_PAGE_SIZE)
    if child == "grid" and page is not None:
        for grid in page:
            grid.figures = figures_of(grid)
    context = {
        "unit": unit,
        "ancestors": ancestors_of(unit),
        "page": page,
        "child_is_grid": child == "grid",
        "manage": manage,
        "create_form": forms.get("create_form")
        or (OrgUnitCreateForm() if manage and child else None),
        "rename_form": forms.get("rename_form")
        or (OrgUnitRenameForm(initial={"name": unit.name}) if manage else None),
        "move_form": forms.get("move_form")
        or (OrgUnitMoveForm(actor=request.user, unit=unit) if manage and unit.depth > 1 else None),
    }
    return render(request, "places/unit.html", context, status=status)


@login_required
@require_safe
def unit_detail(request, pk):
    unit = or_404(org_unit_for, request.user, pk=pk)
    return _unit_page(request, unit)


def _managed_unit(request, pk):
    return or_404(org_unit_for, request.user, pk=pk, perm=Perm.MANAGE_ORG_UNITS)


@login_required
def unit_create_child(request, pk):
    parent = _managed_unit(request, pk)
    if request.method != "POST":
        return redirect("places:unit", pk=parent.pk)
    form = OrgUnitCreateForm(request.POST)
    if form.is_valid():
        try:
            unit = org_unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_CREATED % {"name": unit.name})
            return redirect("places:unit", pk=parent.pk)
    return _unit_page(request, parent, status=400, create_form=form)


@login_required
def unit_rename(request, pk):
    unit = _managed_unit(request, pk)
    if request.method != "POST":
        return redirect("places:unit", pk=unit.pk)
    form = OrgUnitRenameForm(request.POST)
    if form.is_valid():
        try:
            org_unit_rename(actor=request.user, unit=unit, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_RENAMED)
            return redirect("places:unit", pk=unit.pk)
    unit.refresh_from_db()
    return _unit_page(request, unit, status=400, rename_form=form)


@login_required
def unit_move(request, pk):
    unit = _managed_unit(request, pk)
    if request.method != "POST":
        return redirect("places:unit", pk=unit.pk)
    form = OrgUnitMoveForm(request.POST, actor=request.user, unit=unit)
    if form.is_valid():
        try:
            org_unit_move(actor=request.user, unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_MOVED)
            return redirect("places:unit", pk=unit.pk)
    return _unit_page(request, unit, status=400, move_form=form)
