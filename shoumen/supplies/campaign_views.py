"""Distribution campaign pages: the list, a new campaign, a campaign's coverage by grid,
the households still to give with a one-tap "given" button, close, and the ledger. Those
who hand out supplies nowhere get 403; a campaign outside their scope is a 404."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.places.selectors import org_unit_for
from shoumen.supplies import campaign_selectors as sel
from shoumen.supplies.campaign_exports import campaign_ledger_export, may_export
from shoumen.supplies.campaign_forms import CampaignForm, GiveForm
from shoumen.supplies.campaign_models import CampaignStatus
from shoumen.supplies.campaign_services import campaign_close, campaign_create, delivery_record
from shoumen.supplies.models import Holder, Item

MSG_CREATED = _("The campaign was created: %(count)d households to give.")
MSG_CLOSED = _("The campaign was closed.")
MSG_GIVEN = _("%(household)s was given its share.")
MSG_REPLAYED = _("%(household)s was already given its share; nothing was changed.")
ERR_GIVE_FORM = _("The page was out of date: reload it and tap again.")
HOUSEHOLDS_PER_PAGE = 30


def _campaign(request, pk: int):
    require_somewhere(request.user, Perm.ISSUE_SUPPLIES)
    return or_404(sel.campaign_for, request.user, pk=pk)


def _managed(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_SUPPLIES)
    campaign = _campaign(request, pk)
    if not sel.manages(request.user, campaign):
        raise Http404
    return campaign


@login_required
@require_safe
def campaign_list(request):
    require_somewhere(request.user, Perm.ISSUE_SUPPLIES)
    # ?unit=<pk>: the campaigns of one unit of the user's scope (a community's, say).
    value = request.GET.get("unit", "")
    unit = None
    if value.isdigit() and len(value) < 19:
        unit = or_404(org_unit_for, request.user, pk=int(value), perm=Perm.ISSUE_SUPPLIES)
    campaigns = (
        sel.campaigns_touching(request.user, unit)
        if unit is not None
        else sel.campaigns_visible_to(request.user)
    ).order_by("-starts_on", "-pk")
    context = {
        "unit": unit,
        "page": paginate(request, campaigns),
        "can_create": can(request.user, Perm.MANAGE_SUPPLIES),
    }
    return render(request, "supplies/campaign_list.html", context)


def _pick(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    require_somewhere(request.user, Perm.MANAGE_SUPPLIES)
    day = today()
    form = CampaignForm(
        posted(request),
        units=sel.units_for_campaign(request.user).only("pk", "name", "level"),
        items=sel.items_for_campaign(request.user),
        holders=sel.holders_for_campaign(request.user),
        initial={"starts_on": day, "ends_on": day, "quantity": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = or_404(org_unit_for, request.user, pk=data.pop("scope"), perm=Perm.MANAGE_SUPPLIES)
        item: Item = _pick(sel.items_for_campaign(request.user), data.pop("item"))
        source: Holder = _pick(sel.holders_for_campaign(request.user), data.pop("source"))
        try:
            campaign = campaign_create(
                actor=request.user, scope=scope, item=item, source=source, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = sel.households_in(request.user, campaign).count()
            messages.success(request, MSG_CREATED % {"count": count})
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/campaign_form.html", {"form": form}, status=status)


@login_required
@require_safe
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    grids = sel.coverage_by_grid(request.user, campaign)
    context = {
        "campaign": campaign,
        "grids": grids,
        "total": sel.coverage_total(grids),
        "manages": sel.manages(request.user, campaign),
        "is_open": campaign.status == CampaignStatus.OPEN,
        "can_export": may_export(request.user, campaign),
    }
    return render(request, "supplies/campaign_detail.html", context)


def _grid_id(request) -> int | None:
    value = request.GET.get("grid", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _households_page(request, campaign, *, status=200, error=None):
    grid_id = _grid_id(request)
    grids = sel.grids_of(request.user, campaign)
    if grid_id is not None and grid_id not in {g.pk for g in grids}:
        grid_id = None
    households = sel.households_to_give(request.user, campaign, grid_id=grid_id)
    page = paginate(request, households, per_page=HOUSEHOLDS_PER_PAGE)
    context = {
        "campaign": campaign,
        "grids": grids,
        "grid_id": grid_id,
        "page": page,
        "rows": [(h, uuid.uuid4()) for h in page],
        "is_open": campaign.status == CampaignStatus.OPEN and campaign.starts_on <= today(),
        "error": error,
        "query": f"grid={grid_id}&" if grid_id else "",
    }
    return render(request, "supplies/campaign_households.html", context, status=status)


@login_required
@require_safe
def campaign_households(request, pk: int):
    return _households_page(request, _campaign(request, pk))


@login_required
@require_POST
def campaign_give(request, pk: int, household_pk: int):
    campaign = _campaign(request, pk)
    household = or_404(sel.household_to_give, request.user, campaign, pk=household_pk)
    form = GiveForm(request.POST)
    if not form.is_valid():
        return _households_page(request, campaign, status=400, error=ERR_GIVE_FORM)
    try:
        _delivery, created = delivery_record(
            actor=request.user,
            campaign=campaign,
            household=household,
            client_uuid=form.cleaned_data["client_uuid"],
        )
    except ValidationError as exc:
        return _households_page(request, campaign, status=400, error=" ".join(exc.messages))
    words = {"household": household.label}
    if created:
        messages.success(request, MSG_GIVEN % words)
    else:
        messages.info(request, MSG_REPLAYED % words)
    back = reverse("campaigns:households", args=[campaign.pk])
    grid_id = _grid_id(request)
    return redirect(f"{back}?grid={grid_id}" if grid_id else back)


@login_required
@require_POST
def campaign_close_view(request, pk: int):
    campaign = _managed(request, pk)
    campaign_close(actor=request.user, campaign=campaign)
    messages.success(request, MSG_CLOSED)
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_safe
def campaign_ledger(request, pk: int):
    campaign = _campaign(request, pk)
    if not may_export(request.user, campaign):
        raise deny()
    export = campaign_ledger_export(actor=request.user, campaign=campaign)
    return HttpResponse(
        export.content,
        content_type=export.content_type,
        headers={"Content-Disposition": content_disposition_header(True, export.filename)},
    )
