"""Screening pages: rounds (list, create, questions, close), a worker's task list and the
visit form, reassignment, coverage and the ledger. Views parse, call one service or
selector, and render; objects out of the actor's scope are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.observation.selectors import active_observations_of
from shoumen.observation.services import observation_start
from shoumen.places.selectors import org_unit_for, org_units_visible_to
from shoumen.registry.selectors import household_members
from shoumen.screening import selectors, services
from shoumen.screening.forms import (
    LedgerForm,
    ObserveForm,
    QuestionsForm,
    ReassignForm,
    RoundForm,
    VisitForm,
)
from shoumen.screening.models import Outcome, RoundStatus
from shoumen.screening.questions import LIBRARY, localized_all
from shoumen.screening.templatetags.screening_ui import names_in_full

MSG_ROUND_CREATED = _("The round was created: %(count)d households to visit.")
MSG_QUESTIONS_REVISED = _("The questions were revised (version %(number)d).")
MSG_ROUND_CLOSED = _("The round was closed.")
MSG_REASSIGNED = _("%(count)d households were given to %(name)s.")
MSG_VISIT_SAVED = _("The visit was recorded.")
MSG_VISIT_REPLAYED = _("This visit was already recorded; nothing was changed.")
MSG_OBSERVATION_STARTED = _("%(kind)s started for %(name)s until %(end)s.")
TASKS_PER_PAGE = 30


def _round(request, pk):
    return or_404(selectors.round_for, request.user, pk=pk)


def _managed_round(request, pk):
    round_ = _round(request, pk)
    if not can(request.user, Perm.MANAGE_SCREENING, round_.scope):
        raise Http404
    return round_


def _round_units(user):
    return org_units_visible_to(user, Perm.MANAGE_SCREENING).filter(level__in=services.ROUND_LEVELS)


@login_required
@require_safe
def round_list(request):
    if not can(request.user, Perm.RECORD_VISITS):
        raise deny()
    rounds = selectors.rounds_visible_to(request.user).order_by("-starts_on", "-pk")
    context = {
        "page": paginate(request, rounds),
        "can_create": can(request.user, Perm.MANAGE_SCREENING),
    }
    return render(request, "screening/round_list.html", context)


@login_required
def round_new(request):
    if not can(request.user, Perm.MANAGE_SCREENING):
        raise deny()
    day = today()
    form = RoundForm(
        posted(request),
        units=_round_units(request.user).only("pk", "name", "level"),
        initial={"starts_on": day, "ends_on": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = or_404(org_unit_for, request.user, pk=data.pop("scope"), perm=Perm.MANAGE_SCREENING)
        try:
            round_ = services.round_create(actor=request.user, scope=scope, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = round_.tasks.count()
            messages.success(request, MSG_ROUND_CREATED % {"count": count})
            return redirect("screening:round", pk=round_.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "screening/round_form.html", {"form": form}, status=status)


def _round_page(request, round_, *, questions_form=None, status=200):
    version = services.current_version(round_)
    manages = can(request.user, Perm.MANAGE_SCREENING, round_.scope)
    context = {
        "round": round_,
        "version": version,
        "questions": localized_all(version.questions),
        "versions": list(round_.versions.order_by("-number")),
        "manages": manages,
        "is_open": round_.status == RoundStatus.OPEN,
        "questions_form": questions_form
        or QuestionsForm(initial={"questions": [q["code"] for q in version.questions]}),
        "counts": selectors.task_counts(request.user, round_, day=today(), mine=not manages),
        "can_export": can(request.user, Perm.EXPORT, round_.scope)
        or services._exports_part_of(request.user, round_),
    }
    return render(request, "screening/round_detail.html", context, status=status)


@login_required
@require_safe
def round_detail(request, pk):
    return _round_page(request, _round(request, pk))


@login_required
@require_POST
def round_questions(request, pk):
    round_ = _managed_round(request, pk)
    form = QuestionsForm(request.POST)
    if form.is_valid():
        try:
            version = services.questionnaire_revise(
                actor=request.user, round_=round_, questions=form.cleaned_data["questions"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_QUESTIONS_REVISED % {"number": version.number})
            return redirect("screening:round", pk=round_.pk)
    return _round_page(request, round_, questions_form=form, status=400)


@login_required
@require_POST
def round_close(request, pk):
    round_ = _managed_round(request, pk)
    services.round_close(actor=request.user, round_=round_)
    messages.success(request, MSG_ROUND_CLOSED)
    return redirect("screening:round", pk=round_.pk)


# ---------------------------------------------------------------- tasks


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 18 else None


def _tasks_page(request, round_, *, reassign_form=None, status=200):
    manages = can(request.user, Perm.MANAGE_SCREENING, round_.scope)
    show = request.GET.get("show", selectors.TODO)
    if show not in (selectors.TODO, selectors.DONE, selectors.ALL):
        show = selectors.TODO
    who = request.GET.get("who") or ("all" if can(request.user, Perm.MANAGE_SCREENING) else "me")
    mine = who != "all"
    day = today()
    tasks = selectors.task_list(
        request.user, round_, day=day, mine=mine, show=show, grid_id=_int_param(request, "grid")
    )
    page = paginate(request, tasks, TASKS_PER_PAGE)
    can_reassign = can(request.user, Perm.MANAGE_SCREENING) and not mine
    candidates = list(selectors.reassign_candidates(request.user, round_)) if can_reassign else []
    context = {
        "round": round_,
        "page": page,
        "show": show,
        "who": who,
        "day": day,
        "counts": selectors.task_counts(request.user, round_, day=day, mine=mine),
        "can_reassign": can_reassign,
        "candidates": candidates,
        "reassign_form": reassign_form,
        "is_open": round_.status == RoundStatus.OPEN,
        "manages": manages,
    }
    return render(request, "screening/tasks.html", context, status=status)


@login_required
@require_safe
def task_list(request, pk):
    return _tasks_page(request, _round(request, pk))


@login_required
@require_POST
def reassign(request, pk):
    round_ = _round(request, pk)
    if not can(request.user, Perm.MANAGE_SCREENING):
        raise Http404
    ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit() and len(v) < 18]
    tasks = list(selectors.tasks_visible_to(request.user, round_).filter(pk__in=ids))
    candidates = list(selectors.reassign_candidates(request.user, round_))
    form = ReassignForm(request.POST, task_ids=[t.pk for t in tasks], candidates=candidates)
    if form.is_valid():
        assignee = next(u for u in candidates if u.pk == form.cleaned_data["assignee"])
        try:
            count = services.tasks_reassign(actor=request.user, tasks=tasks, assignee=assignee)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_REASSIGNED % {"count": count, "name": assignee})
            return redirect(reverse("screening:tasks", args=[round_.pk]) + "?who=all")
    return _tasks_page(request, round_, reassign_form=form, status=400)


# ---------------------------------------------------------------- visits


@login_required
def visit_new(request, task_pk):
    task = or_404(selectors.task_for, request.user, pk=task_pk)
    round_ = task.round
    members = household_members(task.household).filter(status="resident")
    version = services.current_version(round_)
    if request.method == "POST":
        number = request.POST.get("version", "")
        if number.isdigit() and len(number) < 6:
            version = round_.versions.filter(number=int(number)).first() or version
    form = VisitForm(
        posted(request),
        version=version,
        members=members,
        task=task,
        full_names=names_in_full(request.user, task.grid),
    )
    if request.method == "POST" and round_.status == RoundStatus.OPEN and form.is_valid():
        try:
            visit, created = services.visit_record(
                actor=request.user, task=task, **form.service_values()
            )
        except ValidationError as exc:
            add_service_errors(
                form,
                exc,
                {
                    "visited_at": "outcome",
                    "answers.temperatures_taken": "q_temperatures_taken",
                    **form.extra_error_fields(),
                },
            )
        else:
            messages.success(request, MSG_VISIT_SAVED if created else MSG_VISIT_REPLAYED)
            return redirect("screening:visit", pk=visit.pk)
    context = {
        "task": task,
        "round": round_,
        "form": form,
        "visits": list(task.visits.order_by("-visited_at").select_related("visitor")),
        "is_open": round_.status == RoundStatus.OPEN,
    }
    return render(
        request,
        "screening/visit_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def visit_found_something(visit) -> bool:
    """A returnee or symptoms among the answers, or the findings the visit left on its task."""
    answers, task = visit.answers, visit.task
    return bool(
        answers.get("risk_travel")
        or answers.get("symptoms")
        or (task.last_visit_at == visit.visited_at and (task.returnee_found or task.symptomatic))
    )


def _visit_page(request, visit, *, observe_form=None, observe_person=None, status=200):
    task = visit.task
    members = list(household_members(task.household).select_related("household"))
    present = set(visit.members_present)
    questions = {q["code"]: q for q in localized_all(visit.version.questions)}
    answers = [
        (questions[code]["text"], value, questions[code])
        for code, value in visit.answers.items()
        if code in questions
    ]
    observed = active_observations_of([m.pk for m in members])
    prefill = {
        "reason": "risk_area" if visit.answers.get("risk_travel") else "other",
        "risk_area": visit.answers.get("risk_area", ""),
        "arrival_date": visit.answers.get("arrival_date"),
    }
    rows = []
    for member in members:
        form = (
            observe_form
            if observe_person == member.pk
            else ObserveForm(initial={"person": member.pk, **prefill}, auto_id=f"obs{member.pk}_%s")
        )
        rows.append(
            {
                "person": member,
                "present": member.pk in present,
                "observation": observed.get(member.pk),
                "form": form,
            }
        )
    context = {
        "visit": visit,
        "task": task,
        "answers": answers,
        "members": rows,
        "visited": visit.outcome == Outcome.VISITED,
        "can_observe": can(request.user, Perm.MANAGE_OBSERVATIONS, task.grid),
        # A clean visit offers no observation under each member; the person page still does.
        "found_something": observe_form is not None or visit_found_something(visit),
    }
    return render(request, "screening/visit_detail.html", context, status=status)


@login_required
@require_safe
def visit_detail(request, pk):
    return _visit_page(request, or_404(selectors.visit_for, request.user, pk=pk))


@login_required
@require_POST
def visit_observe(request, pk):
    visit = or_404(selectors.visit_for, request.user, pk=pk)
    if not can(request.user, Perm.MANAGE_OBSERVATIONS, visit.task.grid):
        raise Http404
    form = ObserveForm(request.POST)
    person_pk = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        person_pk = data.pop("person")
        person = household_members(visit.task.household).filter(pk=person_pk).first()
        if person is None:
            raise Http404
        try:
            obs = observation_start(actor=request.user, person=person, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                MSG_OBSERVATION_STARTED
                % {"kind": obs.get_kind_display(), "name": person.name, "end": obs.ends_on},
            )
            # Back to the visit: the worker is in the middle of a round.
            return redirect("screening:visit", pk=visit.pk)
    else:
        raw = request.POST.get("person", "")
        person_pk = int(raw) if raw.isdigit() and len(raw) < 18 else None
    return _visit_page(request, visit, observe_form=form, observe_person=person_pk, status=400)


# ---------------------------------------------------------------- coverage and ledger


@login_required
@require_safe
def coverage(request, pk):
    round_ = _round(request, pk)
    figures = selectors.coverage(request.user, round_, unit_pk=_int_param(request, "unit"))
    context = {"round": round_, **figures, "library": LIBRARY}
    return render(request, "screening/coverage.html", context)


@login_required
def ledger(request, pk):
    round_ = _round(request, pk)
    if not (
        can(request.user, Perm.EXPORT, round_.scope)
        or services._exports_part_of(request.user, round_)
    ):
        raise Http404
    form = LedgerForm(posted(request))
    if not can(request.user, Perm.EXPORT_SENSITIVE, round_.scope):
        del form.fields["unmasked"]
        del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            export = services.round_ledger_export(
                actor=request.user,
                round_=round_,
                unmasked=form.cleaned_data.get("unmasked", False),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return HttpResponse(
                export.content,
                content_type=export.content_type,
                headers={"Content-Disposition": content_disposition_header(True, export.filename)},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "screening/ledger.html", {"round": round_, "form": form}, status=status)
