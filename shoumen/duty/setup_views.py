"""Pages that set a community's duty up: its posts and their shift patterns, its people on
duty and their absences. Those who hold ``manage_duty`` nowhere get 403; a community, post
or person outside their scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.duty import setup_selectors as sel
from shoumen.duty.models import Skill, Team
from shoumen.duty.people_services import (
    absence_add,
    absence_remove,
    duty_person_add,
    duty_person_update,
)
from shoumen.duty.setup_forms import (
    DAY_LABELS,
    PERSON_NEW_VOLUNTEER,
    PERSON_STAFF,
    PERSON_VOLUNTEER,
    AbsenceForm,
    EditPostForm,
    NewPostForm,
    PatternForm,
    PersonEditForm,
    PersonNewForm,
    ShiftFormSet,
    shift_initial,
)
from shoumen.duty.setup_services import (
    DAY_KEYS,
    pattern_shifts,
    post_create,
    post_update,
    posts_from_checkpoints,
)
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted

MSG_POST_ADDED = _("Post %(name)s added: check its shifts below.")
MSG_POST_SAVED = _("Post saved.")
MSG_POSTS_FROM_CHECKPOINTS = _("%(count)d posts added, one for each checkpoint.")
MSG_NO_CHECKPOINT_LEFT = _("Every checkpoint has a post already.")
MSG_PATTERN_USED = _("Pattern filled in below: save to keep it.")
MSG_PERSON_ADDED = _("%(name)s is on duty.")
MSG_PERSON_SAVED = _("Saved.")
MSG_ABSENCE_ADDED = _("Absence recorded.")
MSG_ABSENCE_REMOVED = _("Absence removed.")
SHIFTS_PREFIX = "shifts"
NEW_VOLUNTEER_FIELDS = {f"new_volunteer.{f}": f for f in ("name", "phone", "birth_year")}


def index_url(community) -> str:
    """The community's duty page, or home while that page is not there."""
    try:
        return reverse("duty:index", args=[community.pk])
    except NoReverseMatch:
        return reverse("home")


def by_day_text(shift) -> str:
    """``Sat 2 · Sun 2 · Holiday 3``: the days whose headcount differs from the usual."""
    by_day = shift.headcount_by_day or {}
    return " · ".join(f"{DAY_LABELS[k]} {by_day[k]}" for k in DAY_KEYS if k in by_day)


def _community(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    return or_404(sel.community_for, request.user, pk)


def _post(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    return or_404(sel.post_for, request.user, pk)


def _person(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    return or_404(sel.person_for, request.user, pk)


# ---------------------------------------------------------------- posts


@login_required
@require_http_methods(["GET"])
def posts(request, community_pk: int):
    community = _community(request, community_pk)
    context = {
        "community": community,
        "index_url": index_url(community),
        "posts": [
            (post, [(shift, by_day_text(shift)) for shift in post.shifts.all()])
            for post in sel.posts_of(request.user, community)
        ],
        "checkpoints_left": sel.checkpoints_without_post(community),
    }
    return render(request, "duty/setup/posts.html", context)


@login_required
@require_POST
def posts_from_checkpoints_view(request, community_pk: int):
    community = _community(request, community_pk)
    created = posts_from_checkpoints(actor=request.user, community=community)
    if created:
        messages.success(request, MSG_POSTS_FROM_CHECKPOINTS % {"count": len(created)})
    else:
        messages.info(request, MSG_NO_CHECKPOINT_LEFT)
    return redirect("duty:posts", community_pk=community.pk)


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request, community_pk: int):
    community = _community(request, community_pk)
    form = NewPostForm(posted(request), checkpoints=sel.checkpoints_for_post(community))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = post_create(
                actor=request.user,
                community=community,
                name=data["name"],
                kind=data["kind"],
                checkpoint=data["checkpoint"],
                team=data["team"],
                shifts=pattern_shifts(data["pattern"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_POST_ADDED % {"name": post.name})
            return redirect("duty:post_edit", post_pk=post.pk)
    context = {"community": community, "index_url": index_url(community), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/setup/post_new.html", context, status=status)


def _kept_forms(formset) -> list:
    """The shift forms to save: every form shown with a shift, and each extra one filled
    in, less those marked for removal."""
    kept = []
    for i, form in enumerate(formset.forms):
        if i >= formset.initial_form_count() and not form.has_changed():
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        kept.append(form)
    return kept


def _shift_errors(form, formset, kept: list, exc: ValidationError) -> None:
    """A service error ``shifts[i].field`` on the i-th kept shift form; others on the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        if key.startswith("shifts[") and "]." in key:
            index, field = key[len("shifts[") :].split("].", 1)
            target = kept[int(index)] if index.isdigit() and int(index) < len(kept) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, errors)
                continue
        form.add_error(key if key in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, post_pk: int):
    post = _post(request, post_pk)
    community = post.community
    checkpoints = sel.checkpoints_for_post(community, post)
    initial = {
        "name": post.name,
        "kind": post.kind,
        "checkpoint": post.checkpoint,
        "team": post.team,
        "is_active": post.is_active,
    }
    shifts_initial = [shift_initial(s) for s in post.shifts.all()]
    status = 200
    pattern_form = PatternForm()
    if request.method == "POST" and "use_pattern" in request.POST:
        # Fill the editor with a ready-made pattern; nothing is saved until Save.
        pattern_form = PatternForm(request.POST)
        form = EditPostForm(request.POST, checkpoints=checkpoints)
        form.is_valid()
        if pattern_form.is_valid():
            rows = pattern_shifts(pattern_form.cleaned_data["pattern"])
            formset = ShiftFormSet(initial=[shift_initial(r) for r in rows], prefix=SHIFTS_PREFIX)
            messages.info(request, MSG_PATTERN_USED)
        else:
            formset = ShiftFormSet(initial=shifts_initial, prefix=SHIFTS_PREFIX)
            status = 400
        form = EditPostForm(initial={**initial, **form.cleaned_data}, checkpoints=checkpoints)
    elif request.method == "POST":
        form = EditPostForm(request.POST, checkpoints=checkpoints)
        formset = ShiftFormSet(request.POST, initial=shifts_initial, prefix=SHIFTS_PREFIX)
        if form.is_valid() and formset.is_valid():
            kept = _kept_forms(formset)
            data = form.cleaned_data
            try:
                post_update(
                    actor=request.user,
                    post=post,
                    name=data["name"],
                    kind=data["kind"],
                    checkpoint=data["checkpoint"],
                    team=data["team"],
                    is_active=data["is_active"],
                    shifts=[f.shift_row() for f in kept],
                )
            except ValidationError as exc:
                _shift_errors(form, formset, kept, exc)
            else:
                messages.success(request, MSG_POST_SAVED)
                return redirect("duty:posts", community_pk=community.pk)
        status = 400
    else:
        form = EditPostForm(initial=initial, checkpoints=checkpoints)
        formset = ShiftFormSet(initial=shifts_initial, prefix=SHIFTS_PREFIX)
    context = {
        "post": post,
        "community": community,
        "index_url": index_url(community),
        "form": form,
        "formset": formset,
        "pattern_form": pattern_form,
    }
    return render(request, "duty/setup/post_edit.html", context, status=status)


# ---------------------------------------------------------------- people on duty


@login_required
@require_http_methods(["GET"])
def people(request, community_pk: int):
    community = _community(request, community_pk)
    team = request.GET.get("team", "")
    if team not in {*Team.values, "none"}:
        team = ""
    page = paginate(request, sel.people_of(request.user, community, team))
    context = {
        "community": community,
        "index_url": index_url(community),
        "page": page,
        "team": team,
        "teams": Team.choices,
    }
    return render(request, "duty/setup/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request, community_pk: int):
    community = _community(request, community_pk)
    who = request.GET.get("who", PERSON_STAFF)
    if who not in {PERSON_STAFF, PERSON_VOLUNTEER, PERSON_NEW_VOLUNTEER}:
        who = PERSON_STAFF
    form = PersonNewForm(
        posted(request),
        initial={"who": who, "max_hours_week": 48},
        staff=sel.staff_to_add(community),
        volunteers=sel.volunteers_to_add(community),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = duty_person_add(
                actor=request.user, community=community, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, NEW_VOLUNTEER_FIELDS)
        else:
            messages.success(request, MSG_PERSON_ADDED % {"name": person.name})
            return redirect("duty:person", person_pk=person.pk)
    context = {"community": community, "index_url": index_url(community), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/setup/person_new.html", context, status=status)


def _person_page(request, person, absence_form, status: int = 200):
    context = {
        "person": person,
        "community": person.community,
        "index_url": index_url(person.community),
        "absences": sel.absences_of(person),
        "absence_form": absence_form,
        "phone_masked": person.volunteer.phone_masked if person.volunteer else "",
        "skills": " · ".join(str(Skill(s).label) for s in person.skills if s in Skill.values),
    }
    return render(request, "duty/setup/person.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person(request, person_pk: int):
    """The person's details and absences; a POST adds an absence."""
    found = _person(request, person_pk)
    form = AbsenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            absence_add(actor=request.user, person=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ABSENCE_ADDED)
            return redirect("duty:person", person_pk=found.pk)
    return _person_page(request, found, form, 400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_pk: int):
    found = _person(request, person_pk)
    initial = {
        "name": found.name,
        "team": found.team,
        "is_party_member": found.is_party_member,
        "skills": found.skills,
        "birth_year": found.birth_year,
        "max_hours_week": found.max_hours_week,
        "prefers_no_nights": found.prefers_no_nights,
        "prefers_weekends_off": found.prefers_weekends_off,
        "is_active": found.is_active,
    }
    form = PersonEditForm(
        posted(request), initial=initial, volunteer=found.volunteer_id is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            duty_person_update(actor=request.user, person=found, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PERSON_SAVED)
            return redirect("duty:person", person_pk=found.pk)
    context = {
        "person": found,
        "community": found.community,
        "index_url": index_url(found.community),
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/setup/person_edit.html", context, status=status)


@login_required
@require_POST
def absence_delete(request, absence_pk: int):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    absence = or_404(sel.absence_for, request.user, absence_pk)
    person_pk = absence.person_id
    try:
        absence_remove(actor=request.user, absence=absence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MSG_ABSENCE_REMOVED)
    return redirect("duty:person", person_pk=person_pk)
