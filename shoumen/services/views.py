"""Service request pages, phone first: the list for one's scope, taking a call, a request
with its assignment, delivery, confirmation on the resident's word and cancelling; one's
own tasks (volunteers with a login, grid workers, cadres).

Access: the list and taking calls need ``manage_services`` (403 without it anywhere); a
request is reached by those who manage services over its grid and by whoever it was given
to (404 for anyone else); assigning, confirming and cancelling are staff's (403 for the
assignee)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, covers, require_somewhere
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.registry.models import Person, Volunteer
from shoumen.registry.selectors import person_for
from shoumen.services import selectors
from shoumen.services.forms import (
    AssignForm,
    CadreForm,
    CallForm,
    CancelForm,
    DoneForm,
    RequestFilters,
)
from shoumen.services.models import OPEN_STATUSES, Door, RequestStatus
from shoumen.services.services import (
    can_mark_done,
    request_assign,
    request_cancel,
    request_confirm,
    request_create,
    request_done,
)
from shoumen.services.standing import cadre_of, cadre_set

MSG_CREATED = _("Request recorded. Give it to a volunteer or a colleague below.")
MSG_ASSIGNED = _("Request given to %(name)s.")
MSG_DONE = _("Marked delivered. The resident can confirm through their link.")
MSG_CONFIRMED = _("Confirmed as received, on the resident's word.")
MSG_CANCELLED = _("Request cancelled.")
MSG_CADRE = _("Responsible cadre named: %(name)s.")
ERR_NOTHING_SENT = _("Nothing was recorded: fill in the form on the page.")
PICK_LIMIT = 20


@login_required
@require_safe
def requests_list(request):
    require_somewhere(request.user, Perm.MANAGE_SERVICES)
    filters = RequestFilters(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.requests_list(
        request.user,
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        overdue=bool(data.get("overdue")),
    )
    context = {
        "filters": filters,
        "page": paginate(request, qs),
        "now": timezone.now(),
        "query": request.GET.copy().urlencode() if request.GET else "",
        "can_export": can(request.user, Perm.EXPORT),
        "can_hotline": can(request.user, Perm.LOG_HOTLINE),
    }
    return render(request, "services/list.html", context)


def _person_to_help(request, pk) -> Person:
    return or_404(person_for, request.user, pk=pk, perm=Perm.MANAGE_SERVICES)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request):
    """Take a call: find the resident, then say what they need."""
    require_somewhere(request.user, Perm.MANAGE_SERVICES)
    person_id = request.POST.get("person") or request.GET.get("person")
    person = None
    if person_id:
        try:
            person = _person_to_help(request, int(person_id))
        except ValueError:
            person = None
    q = request.GET.get("q", "").strip()
    candidates = selectors.persons_for_call(request.user, q, PICK_LIMIT) if q and not person else []
    form = CallForm(posted(request) if person else None)
    status = 200
    if request.method == "POST":
        status = 400
        if person is None:
            messages.error(request, ERR_NOTHING_SENT)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                req, _created = request_create(
                    actor=request.user,
                    door=Door.CALL,
                    kind=data["kind"],
                    urgency=data["urgency"],
                    note=data["note"],
                    person=person,
                    standing=data["standing"],
                    standing_until=data["standing_until"],
                    client_uuid=data["client_uuid"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_CREATED)
                return redirect("services:request", pk=req.pk)
    context = {"person": person, "q": q, "candidates": candidates, "form": form}
    return render(request, "services/new.html", context, status=status)


def _request(request, pk):
    return or_404(selectors.request_for, request.user, pk)


def _assign_choices(req) -> list[tuple[str, str]]:
    cadre = cadre_of(req.household) if req.household_id else None
    choices = []
    if cadre is not None and cadre.user_id:
        choices.append((f"u{cadre.user_id}", f"{cadre} · {_('responsible cadre')}"))
    if cadre is not None and cadre.volunteer_id:
        choices.append((f"v{cadre.volunteer_id}", f"{cadre} · {_('responsible cadre')}"))
    choices += [(f"v{v.pk}", f"{v.name} · {_('volunteer')}") for v in selectors.volunteers_for(req)]
    choices += [(f"u{u.pk}", f"{u} · {_('staff')}") for u in selectors.staff_for(req)]
    seen, unique = set(), []
    for value, label in choices:
        if value not in seen:
            seen.add(value)
            unique.append((value, label))
    return unique


def _detail(
    request,
    req,
    *,
    status=200,
    assign_form=None,
    done_form=None,
    cancel_form=None,
    cadre_form=None,
):
    manages = covers(request.user, Perm.MANAGE_SERVICES, req.grid.path)
    is_open = req.status in OPEN_STATUSES
    cadre = cadre_of(req.household) if req.household_id and manages else None
    context = {
        "req": req,
        "manages": manages,
        "cadre": cadre,
        "overdue": is_open and req.due_at < timezone.now(),
        "assign_form": assign_form
        or (AssignForm(choices=_assign_choices(req)) if manages and is_open else None),
        "done_form": done_form
        or (DoneForm() if is_open and can_mark_done(request.user, req) else None),
        "cancel_form": cancel_form or (CancelForm() if manages and is_open else None),
        "can_confirm": manages and req.status == RequestStatus.DONE,
        "cadre_form": cadre_form
        or (CadreForm(choices=_assign_choices(req)) if manages and req.household_id else None),
    }
    return render(request, "services/detail.html", context, status=status)


@login_required
@require_safe
def request_detail(request, pk):
    return _detail(request, _request(request, pk))


def _staff_only(request, req) -> None:
    if not covers(request.user, Perm.MANAGE_SERVICES, req.grid.path):
        raise deny()


@login_required
@require_POST
def request_assign_view(request, pk):
    req = _request(request, pk)
    _staff_only(request, req)
    form = AssignForm(request.POST, choices=_assign_choices(req))
    if form.is_valid():
        value = form.cleaned_data["assignee"]
        volunteer = cadre = None
        if value.startswith("v"):
            volunteer = Volunteer.objects.filter(pk=value[1:]).first()
        else:
            cadre = User.objects.filter(pk=value[1:]).first()
        try:
            req = request_assign(actor=request.user, request=req, volunteer=volunteer, cadre=cadre)
        except ValidationError as exc:
            add_service_errors(form, exc, {"volunteer": "assignee", "cadre": "assignee"})
        else:
            messages.success(request, MSG_ASSIGNED % {"name": str(volunteer or cadre)})
            return redirect("services:request", pk=req.pk)
    return _detail(request, req, status=400, assign_form=form)


@login_required
@require_POST
def request_done_view(request, pk):
    req = _request(request, pk)
    if not can_mark_done(request.user, req):
        raise deny()
    form = DoneForm(request.POST)
    if form.is_valid():
        try:
            req = request_done(actor=request.user, request=req, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_DONE)
            if covers(request.user, Perm.MANAGE_SERVICES, req.grid.path):
                return redirect("services:request", pk=req.pk)
            return redirect("services:my_tasks")
    return _detail(request, req, status=400, done_form=form)


@login_required
@require_POST
def request_confirm_view(request, pk):
    req = _request(request, pk)
    _staff_only(request, req)
    if request.POST.get("confirm") != "yes":
        messages.error(request, ERR_NOTHING_SENT)
        return _detail(request, req, status=400)
    try:
        request_confirm(actor=request.user, request=req)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, req, status=400)
    messages.success(request, MSG_CONFIRMED)
    return redirect("services:request", pk=req.pk)


@login_required
@require_POST
def request_cancel_view(request, pk):
    req = _request(request, pk)
    _staff_only(request, req)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            request_cancel(actor=request.user, request=req, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_CANCELLED)
            return redirect("services:request", pk=req.pk)
    return _detail(request, req, status=400, cancel_form=form)


@login_required
@require_safe
def my_tasks(request):
    tasks = selectors.my_tasks(request.user)
    context = {
        "open": [t for t in tasks if t.status in OPEN_STATUSES],
        "done": [t for t in tasks if t.status not in OPEN_STATUSES],
        "now": timezone.now(),
        "manages": can(request.user, Perm.MANAGE_SERVICES),
    }
    return render(request, "services/my_tasks.html", context)


@login_required
@require_POST
def request_cadre_view(request, pk):
    """Name the responsible cadre of the request's household (from today)."""
    req = _request(request, pk)
    _staff_only(request, req)
    form = CadreForm(request.POST, choices=_assign_choices(req))
    if form.is_valid() and req.household is not None:
        value, name = form.cleaned_data["who"], form.cleaned_data["name"]
        volunteer = Volunteer.objects.filter(pk=value[1:]).first() if value[:1] == "v" else None
        user = User.objects.filter(pk=value[1:]).first() if value[:1] == "u" else None
        try:
            cadre = cadre_set(
                actor=request.user,
                household=req.household,
                user=user,
                volunteer=volunteer,
                name="" if (user or volunteer) else name,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"user": "who", "volunteer": "who"})
        else:
            messages.success(request, MSG_CADRE % {"name": str(cadre)})
            return redirect("services:request", pk=req.pk)
    return _detail(request, req, status=400, cadre_form=form)
