"""Registry pages: grid → buildings and households → household → person, the forms that
change them, reveal with a reason, history and search. Each view parses, calls one service
or selector, and renders; objects out of the actor's scope are 404."""

import secrets
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import describe
from shoumen.lib.dates import today
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.places.models import Level
from shoumen.places.selectors import ancestors_of, org_unit_for
from shoumen.registry import household_services, services
from shoumen.registry.forms import (
    STATUS_ANY,
    BuildingForm,
    HouseholdForm,
    MergeForm,
    MoveForm,
    PersonEditForm,
    PersonForm,
    RevealForm,
    SearchForm,
    StatusForm,
)
from shoumen.registry.limits import (
    ERR_DOCUMENT_SEARCH_LIMIT,
    document_search_missed,
    document_search_refused,
)
from shoumen.registry.models import FLAG_TAGS, Status
from shoumen.registry.panels import person_panels
from shoumen.registry.selectors import (
    PersonFilters,
    building_for,
    buildings_of_grid,
    document_number_query,
    household_for,
    household_members,
    households_of_grid,
    households_search,
    person_for,
    person_history,
    persons_search,
)

PICK_LIMIT = 20
MSG_BUILDING_CREATED = _("Building %(name)s was added.")
MSG_HOUSEHOLD_SAVED = _("The household was saved.")
MSG_PERSON_SAVED = _("%(name)s was saved.")
MSG_PERSON_MOVED = _("%(name)s was moved.")
MSG_STATUS_SAVED = _("The status was changed.")
MSG_MERGED = _("The duplicate record was merged into this one.")


def _grid(request, pk, perm=Perm.VIEW_REGISTRY):
    grid = or_404(org_unit_for, request.user, pk=pk, perm=perm)
    if grid.level != Level.GRID:
        raise Http404
    return grid


# ---------------------------------------------------------------- grid, buildings


@login_required
@require_safe
def grid_detail(request, pk):
    grid = _grid(request, pk)
    building = None
    if request.GET.get("building", "").isdigit():
        building = or_404(building_for, request.user, pk=int(request.GET["building"]))
        if building.grid_id != grid.pk:
            raise Http404
    context = {
        "grid": grid,
        "ancestors": ancestors_of(grid),
        "buildings": list(buildings_of_grid(request.user, grid)),
        "building": building,
        "page": paginate(request, households_of_grid(request.user, grid, building=building)),
        "can_edit": can(request.user, Perm.EDIT_REGISTRY, grid),
    }
    return render(request, "registry/grid.html", context)


@login_required
def building_new(request, grid_pk):
    grid = _grid(request, grid_pk, Perm.EDIT_REGISTRY)
    form = BuildingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            building = household_services.building_create(
                actor=request.user, grid=grid, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_BUILDING_CREATED % {"name": building.name})
            return redirect("registry:grid", pk=grid.pk)
    return _form_page(request, form, title=_("New building"), back=grid, grid=grid)


def _back_url(obj) -> str:
    name = {"orgunit": "registry:grid", "household": "registry:household"}.get(
        obj._meta.model_name, "registry:person"
    )
    return reverse(name, kwargs={"pk": obj.pk})


def _form_page(request, form, *, title, back, grid=None, **extra):
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "title": title,
        "back": back,
        "back_url": _back_url(back),
        "grid": grid,
        **extra,
    }
    return render(request, "registry/form.html", context, status=status)


# ---------------------------------------------------------------- households


@login_required
def household_new(request, grid_pk):
    grid = _grid(request, grid_pk, Perm.EDIT_REGISTRY)
    form = HouseholdForm(posted(request), buildings=buildings_of_grid(request.user, grid))
    if request.method == "POST" and form.is_valid():
        try:
            household = household_services.household_create(
                actor=request.user, grid=grid, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_HOUSEHOLD_SAVED)
            return redirect("registry:household", pk=household.pk)
    return _form_page(request, form, title=_("New household"), back=grid, grid=grid)


@login_required
@require_safe
def household_detail(request, pk):
    household = or_404(household_for, request.user, pk=pk)
    context = {
        "household": household,
        "ancestors": [*ancestors_of(household.grid), household.grid],
        "members": list(household_members(household).select_related("household")),
        "can_edit": can(request.user, Perm.EDIT_REGISTRY, household.grid),
    }
    return render(request, "registry/household.html", context)


@login_required
def household_edit(request, pk):
    household = or_404(household_for, request.user, pk=pk, perm=Perm.EDIT_REGISTRY)
    initial = {
        "building": household.building,
        "address": household.address,
        "unit": household.unit,
        "door_number": household.door_number,
        "head": household.head,
    }
    form = HouseholdForm(
        posted(request),
        initial=initial,
        buildings=buildings_of_grid(request.user, household.grid),
        members=household_members(household).filter(status=Status.RESIDENT),
    )
    if request.method == "POST" and form.is_valid():
        try:
            household_services.household_update(
                actor=request.user, household=household, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_HOUSEHOLD_SAVED)
            return redirect("registry:household", pk=household.pk)
    return _form_page(request, form, title=_("Edit household"), back=household, grid=household.grid)


# ---------------------------------------------------------------- persons


@login_required
def person_new(request, household_pk):
    household = or_404(household_for, request.user, pk=household_pk, perm=Perm.EDIT_REGISTRY)
    form = PersonForm(posted(request))
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(
                actor=request.user, household=household, **form.cleaned_data
            )
        except services.DuplicatePersonError as exc:
            existing = exc.existing
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PERSON_SAVED % {"name": person.name})
            return redirect("registry:person", pk=person.pk)
    return _form_page(
        request,
        form,
        title=_("New person"),
        back=household,
        grid=household.grid,
        existing=existing,
    )


@login_required
@require_safe
def person_detail(request, pk):
    person = or_404(person_for, request.user, pk=pk)
    context = {
        "person": person,
        "ancestors": [*ancestors_of(person.grid), person.grid],
        "tags": person.tags_on(today()),
        "age": person.age_on(today()),
        "can_edit": can(request.user, Perm.EDIT_REGISTRY, person.grid)
        and person.status != Status.MERGED,
        "can_reveal": can(request.user, Perm.REVEAL_SENSITIVE, person.grid),
        "panels": person_panels(request.user, person),
    }
    return render(request, "registry/person.html", context)


@login_required
def person_edit(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.EDIT_REGISTRY)
    if person.status == Status.MERGED:
        raise Http404
    initial = {
        "name": person.name,
        "sex": person.sex,
        "document_type": person.document_type,
        "relation_to_head": person.relation_to_head,
        "tags": [tag.value for tag, flag in FLAG_TAGS.items() if getattr(person, flag)],
        "notes": person.notes,
    }
    form = PersonEditForm(posted(request), initial=initial, person=person)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.changes())
        except services.DuplicatePersonError as exc:
            existing = exc.existing
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PERSON_SAVED % {"name": person.name})
            return redirect("registry:person", pk=person.pk)
    return _form_page(
        request, form, title=_("Edit person"), back=person, grid=person.grid, existing=existing
    )


@login_required
@require_POST
@never_cache  # the plaintext must not stay in a browser or proxy cache
def person_reveal(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.REVEAL_SENSITIVE)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = services.person_reveal(
                actor=request.user,
                person=person,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    field = form.data.get("field", "id_number")
    context = {"person": person, "field": field, "form": form, "value": value}
    # htmx swaps the fragment in place; without JavaScript the fragment gets a page around it.
    template = "registry/_reveal.html" if request.htmx else "registry/reveal_page.html"
    return render(request, template, context, status=200 if value is not None else 422)


@login_required
@require_safe
def person_history_page(request, pk):
    person = or_404(person_for, request.user, pk=pk)
    page = paginate(request, person_history(request.user, person))
    context = {"person": person, "page": page, "entries": describe(page)}
    return render(request, "registry/person_history.html", context)


@login_required
def person_move(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.EDIT_REGISTRY)
    form = MoveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        target = or_404(
            household_for, request.user, pk=form.cleaned_data["household"], perm=Perm.EDIT_REGISTRY
        )
        try:
            services.person_move(
                actor=request.user,
                person=person,
                household=target,
                relation_to_head=form.cleaned_data["relation_to_head"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PERSON_MOVED % {"name": person.name})
            return redirect("registry:person", pk=person.pk)
    q = request.GET.get("q", "")
    candidates = (
        households_search(request.user, q, Perm.EDIT_REGISTRY).exclude(pk=person.household_id)[
            :PICK_LIMIT
        ]
        if q
        else []
    )
    context = {"person": person, "form": form, "q": q, "candidates": candidates}
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/person_move.html", context, status=status)


@login_required
def person_status(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.EDIT_REGISTRY)
    form = StatusForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_status(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_STATUS_SAVED)
            return redirect("registry:person", pk=person.pk)
    return _form_page(
        request, form, title=_("Change status"), back=person, grid=person.grid, person=person
    )


@login_required
def person_merge(request, pk):
    person = or_404(person_for, request.user, pk=pk, perm=Perm.EDIT_REGISTRY)
    # Finding the duplicate is posted too, so that the name or number typed stays out of URLs.
    finding = request.method == "POST" and "find" in request.POST
    form = MergeForm(None if finding else posted(request))
    if request.method == "POST" and not finding and form.is_valid():
        duplicate = or_404(
            person_for, request.user, pk=form.cleaned_data["duplicate"], perm=Perm.EDIT_REGISTRY
        )
        try:
            services.person_merge(
                actor=request.user,
                keep=person,
                duplicate=duplicate,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_MERGED)
            return redirect("registry:person", pk=person.pk)
    q = request.GET.get("q") or request.POST.get("q", "")
    candidates = (
        persons_search(request.user, PersonFilters(q=q, status="")).exclude(pk=person.pk)[
            :PICK_LIMIT
        ]
        if q
        else []
    )
    chosen = form.data.get("duplicate", "")
    context = {
        "person": person,
        "form": form,
        "q": q,
        "candidates": candidates,
        "chosen": chosen,
    }
    status = 400 if request.method == "POST" and not finding else 200
    return render(request, "registry/person_merge.html", context, status=status)


# ---------------------------------------------------------------- search


SEARCH_SESSION_KEY = "registry.searches"
SEARCH_KEEP = 20  # searches remembered per session, the oldest forgotten first
SEARCH_TTL_SECONDS = 2 * 3600
SEARCH_FIELDS = ("q", "org_unit", "tag", "status")
MSG_SEARCH_EXPIRED = _("That search has expired; please search again.")


def _search_store(request, data) -> str:
    """Keep the search in the session under a new opaque token: the terms (a name, an ID
    number) stay out of the URL, so out of access logs, proxies and browser history."""
    token = secrets.token_urlsafe(12)
    kept = dict(request.session.get(SEARCH_SESSION_KEY, {}))
    criteria = {field: data.get(field, "") for field in SEARCH_FIELDS}
    kept[token] = {"criteria": criteria, "at": int(time.time())}
    for old in sorted(kept, key=lambda t: kept[t]["at"])[: max(len(kept) - SEARCH_KEEP, 0)]:
        del kept[old]
    request.session[SEARCH_SESSION_KEY] = kept
    return token


def _search_load(request, token: str) -> dict | None:
    kept = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if kept is None or time.time() - kept["at"] > SEARCH_TTL_SECONDS:
        return None
    return kept


def _document_search(request, token: str, results) -> bool:
    """The first look at a search by a whole document number (not again on its pages, back
    or reload): refused past the limit of such searches that found nobody, else recorded
    (audited). False when refused."""
    kept = dict(request.session.get(SEARCH_SESSION_KEY, {}))
    if kept[token].get("recorded"):
        return True
    if document_search_refused(request):
        return False
    kept[token] = {**kept[token], "recorded": True}
    request.session[SEARCH_SESSION_KEY] = kept
    found = list(results[:2])
    services.person_document_search_record(actor=request.user, found=found)
    if not found:
        document_search_missed(request)
    return True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def search(request):
    """Search residents. The form is posted and answered with a redirect to ``?r=<token>``,
    which pages and the back button reuse; a ``?q=`` link is redirected the same way."""
    if request.method == "POST" or "q" in request.GET:
        source = request.POST if request.method == "POST" else request.GET
        if not any(source.get(field) for field in SEARCH_FIELDS):
            return redirect("registry:search")
        token = _search_store(request, source)
        return redirect(f"{reverse('registry:search')}?{urlencode({'r': token})}")
    data = None
    token = request.GET.get("r", "")
    if token:
        kept = _search_load(request, token)
        if kept is None:
            messages.info(request, MSG_SEARCH_EXPIRED)
        else:
            data = kept["criteria"]
    elif any(request.GET.get(f) for f in SEARCH_FIELDS):
        data = request.GET  # filters only (tag, unit, status): nothing personal in the URL
    form = SearchForm(data, actor=request.user)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"] or Status.RESIDENT
        filters = PersonFilters(
            q=data["q"],
            org_unit=data["org_unit"],
            tag=data["tag"],
            status="" if status == STATUS_ANY else status,
        )
        # An empty search lists nothing rather than the whole jurisdiction.
        if any((filters.q, filters.org_unit, filters.tag)) or status != Status.RESIDENT:
            results = persons_search(request.user, filters)
            if document_number_query(filters.q) and not _document_search(request, token, results):
                form.add_error(None, ERR_DOCUMENT_SEARCH_LIMIT)
            else:
                page = paginate(request, results)
    return render(request, "registry/search.html", {"form": form, "page": page})
