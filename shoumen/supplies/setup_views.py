"""Pages that set a community's supplies up: its own items, its holders, reorder levels.
All need ``manage_supplies`` (403 for those who hold it nowhere, 404 outside scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.places.models import OrgUnit
from shoumen.supplies import selectors as sel
from shoumen.supplies.forms import HolderForm, ItemForm, ReorderForm
from shoumen.supplies.models import Balance
from shoumen.supplies.setup_services import holder_add, item_add, reorder_level_set

MSG_ITEM_ADDED = _("Item %(name)s added.")
MSG_HOLDER_ADDED = _("Holder %(name)s added.")
MSG_LEVEL_SET = _("Reorder level of %(item)s saved.")


def _community(request, pk: int) -> OrgUnit:
    require_somewhere(request.user, Perm.MANAGE_SUPPLIES)
    return or_404(sel.managed_community_for, request.user, pk)


@login_required
@require_safe
def items(request, community_pk: int):
    community = _community(request, community_pk)
    page = paginate(request, sel.items_usable_at(community, active_only=False))
    return render(request, "supplies/items.html", {"community": community, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, community_pk: int):
    community = _community(request, community_pk)
    form = ItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = item_add(actor=request.user, community=community, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ITEM_ADDED % {"name": item.name})
            return redirect("supplies:items", community_pk=community.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supplies/item_new.html", {"community": community, "form": form}, status=status
    )


@login_required
@require_safe
def holders(request, community_pk: int):
    community = _community(request, community_pk)
    qs = sel.holders_of(request.user, community, Perm.MANAGE_SUPPLIES)
    page = paginate(request, qs)
    return render(request, "supplies/holders.html", {"community": community, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def holder_new(request, community_pk: int):
    community = _community(request, community_pk)
    units, workers = sel.holder_places_and_workers(community)
    form = HolderForm(posted(request), units=units, workers=workers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place = holder_add(
                actor=request.user,
                unit=data["unit"],
                kind=data["kind"],
                name=data["name"],
                worker=data["worker"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_HOLDER_ADDED % {"name": place.name})
            return redirect("supplies:holder", holder_pk=place.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supplies/holder_new.html", {"community": community, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def reorder(request, holder_pk: int):
    require_somewhere(request.user, Perm.MANAGE_SUPPLIES)
    place = or_404(sel.holder_for, request.user, holder_pk, Perm.MANAGE_SUPPLIES)
    usable = sel.items_usable_at(place.org_unit)
    initial = None
    chosen = request.GET.get("item", "")
    if request.method == "GET" and chosen.isdigit() and len(chosen) < 19:
        balance = Balance.objects.filter(holder=place, item_id=int(chosen)).first()
        initial = {"item": int(chosen), "reorder_level": balance.reorder_level if balance else None}
    form = ReorderForm(posted(request), items=usable, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reorder_level_set(
                actor=request.user, holder=place, item=data["item"], level=data["reorder_level"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_LEVEL_SET % {"item": data["item"].name})
            return redirect("supplies:holder", holder_pk=place.pk)
    context = {
        "holder": place,
        "community": sel.community_of_holder(place),
        "form": form,
        "levels": Balance.objects.filter(holder=place, reorder_level__isnull=False)
        .select_related("item")
        .order_by("item__kind", "item__name"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/reorder.html", context, status=status)
