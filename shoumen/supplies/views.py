"""The supplies' pages. Those who hold neither right to supplies get 403; a community or
holder outside the actor's scope is a 404. Handing out needs ``issue_supplies``; receiving,
transferring, counting and setting up need ``manage_supplies``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.lib.dates import today
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.registry.models import Household
from shoumen.supplies import ledgers
from shoumen.supplies import selectors as sel
from shoumen.supplies.forms import KIND_TITLES, MovementForm, PeriodForm
from shoumen.supplies.models import MovementKind
from shoumen.supplies.rules import cover_days, expiry_warn_days
from shoumen.supplies.services import movement_record

MSG_RECORDED = _("%(kind)s: %(quantity)s %(unit)s of %(item)s recorded.")
MSG_REPLAY = _("This movement was recorded already; nothing changed.")
ERR_PERIOD = _("Give the period as two dates, the first on or before the second.")


def perm_of(kind: str) -> str:
    return Perm.ISSUE_SUPPLIES if kind == MovementKind.ISSUE else Perm.MANAGE_SUPPLIES


@login_required
@require_safe
def index(request):
    require_somewhere(request.user, Perm.ISSUE_SUPPLIES)
    page = paginate(request, sel.communities_visible_to(request.user))
    return render(request, "supplies/index.html", {"page": page})


@login_required
@require_safe
def community(request, community_pk: int):
    require_somewhere(request.user, Perm.ISSUE_SUPPLIES)
    unit = or_404(sel.community_for, request.user, community_pk)
    holders = sel.holders_of(request.user, unit)
    rows = sel.stock_rows(holders)
    by_holder = sel.group_by_holder(rows)
    shown = {h.pk for h, _rows in by_holder}
    empty_holders = [h for h in holders if h.pk not in shown and h.is_active]
    context = {
        "community": unit,
        "by_holder": by_holder,
        "empty_holders": empty_holders,
        "low_count": sum(1 for r in rows if r.low),
        "expiring": sel.expiring_batches(holders),
        "today": today(),
        "cover_days": cover_days(),
        "warn_days": expiry_warn_days(),
        "may_manage": can(request.user, Perm.MANAGE_SUPPLIES, unit),
        "period_form": PeriodForm(),
    }
    return render(request, "supplies/community.html", context)


@login_required
@require_safe
def holder(request, holder_pk: int):
    require_somewhere(request.user, Perm.ISSUE_SUPPLIES)
    place = or_404(sel.holder_for, request.user, holder_pk)
    may_manage = can(request.user, Perm.MANAGE_SUPPLIES, place.org_unit)
    context = {
        "holder": place,
        "community": sel.community_of_holder(place),
        "rows": sel.stock_rows([place]),
        "page": paginate(request, sel.movements_of(place)),
        "may_manage": may_manage,
        "may_issue": can(request.user, Perm.ISSUE_SUPPLIES, place.org_unit),
        "kinds": [k for k in MovementKind if may_manage or k == MovementKind.ISSUE],
    }
    return render(request, "supplies/holder.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def movement_new(request, holder_pk: int, kind: str):
    if kind not in MovementKind.values:
        raise Http404
    perm = perm_of(kind)
    require_somewhere(request.user, perm)
    place = or_404(sel.holder_for, request.user, holder_pk, perm)
    community = sel.community_of_holder(place)
    to_holders = households = None
    if kind == MovementKind.TRANSFER:
        to_holders = sel.holders_of(
            request.user, community, Perm.MANAGE_SUPPLIES, active_only=True
        ).exclude(pk=place.pk)
    if kind == MovementKind.ISSUE:
        households = (
            Household.objects.filter(grid__path__startswith=place.org_unit.path)
            .select_related("building")
            .order_by("building__name", "unit", "door_number", "pk")
        )
    form = MovementForm(
        posted(request),
        kind=kind,
        items=sel.items_usable_at(place.org_unit),
        to_holders=to_holders,
        households=households,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            movement, new = movement_record(
                actor=request.user,
                client_uuid=data["client_uuid"],
                kind=kind,
                item=data["item"],
                holder=place,
                quantity=data["quantity"],
                to_holder=data.get("to_holder"),
                household=data.get("household"),
                source=data.get("source") or "",
                donor=data.get("donor") or "",
                batch=data.get("batch") or "",
                expires_on=data.get("expires_on"),
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if new:
                words = {
                    "kind": movement.get_kind_display(),
                    "quantity": movement.quantity,
                    "unit": movement.item.unit,
                    "item": movement.item.name,
                }
                messages.success(request, MSG_RECORDED % words)
            else:
                messages.info(request, MSG_REPLAY)
            return redirect("supplies:holder", holder_pk=place.pk)
    context = {
        "holder": place,
        "community": community,
        "form": form,
        "kind": kind,
        "title": KIND_TITLES[MovementKind(kind)],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/movement_form.html", context, status=status)


def _ledger_community(request, community_pk: int):
    require_somewhere(request.user, Perm.MANAGE_SUPPLIES)
    return or_404(sel.managed_community_for, request.user, community_pk)


def _send(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response


@login_required
@require_safe
def ledger_movements(request, community_pk: int):
    unit = _ledger_community(request, community_pk)
    period = PeriodForm(request.GET)
    if not period.is_valid() or (
        period.cleaned_data["start"]
        and period.cleaned_data["end"]
        and period.cleaned_data["start"] > period.cleaned_data["end"]
    ):
        messages.error(request, ERR_PERIOD)
        return redirect("supplies:community", community_pk=unit.pk)
    export = ledgers.movements_ledger_export(
        actor=request.user,
        community=unit,
        start=period.cleaned_data["start"],
        end=period.cleaned_data["end"],
    )
    return _send(export)


@login_required
@require_safe
def ledger_stock(request, community_pk: int):
    unit = _ledger_community(request, community_pk)
    return _send(ledgers.stock_ledger_export(actor=request.user, community=unit))


@login_required
@require_safe
def ledger_donations(request, community_pk: int):
    unit = _ledger_community(request, community_pk)
    return _send(ledgers.donations_ledger_export(actor=request.user, community=unit))
