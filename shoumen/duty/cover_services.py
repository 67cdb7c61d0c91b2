"""Sick calls on a published roster and who covers them (一个点位空缺了谁来补上).

A sick call keeps the shift's row, marked absent, and records the day as sick leave; the
people who could take the shift while every hard rule still holds are ranked fairest
first (fewest nights, weekend and holiday shifts so far, solver.replacements); one tap
puts the chosen one on the shift (source "cover"). Two staff tapping at once get one
cover: the second is told who covers it already."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts import messages
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    AssignmentSource,
    DutyPerson,
    RosterStatus,
)
from shoumen.duty.problem import headcount_of
from shoumen.duty.rostering import PostSpec, Problem
from shoumen.duty.swap_people import is_own, login_of, manages, shift_words, staff_of, tell
from shoumen.duty.swap_problems import added_violations, problems_of, roster_now, texts_of
from shoumen.lib.errors import deny
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind

ERR_NOT_YOURS = _("Only the person on this shift or community staff can call in sick for it.")
ERR_NOT_PUBLISHED = _("Only shifts of a published roster can be called in sick or covered.")
ERR_OVER = _("This shift is over.")
ERR_NOT_SICK = _("Nobody called in sick for this shift; there is no gap to cover.")
ERR_COVERED = _("This shift is already covered by %(names)s; nothing was changed.")
ERR_PERSON = _("Choose an active person on duty of the same community.")
ERR_ON_SHIFT = _("This person is on this shift already.")

TITLE_SICK = _("Sick call: %(name)s cannot stand %(post)s %(date)s %(shift)s")
TITLE_COVER = _("You cover %(post)s %(date)s %(shift)s for %(name)s")
KEY_SICK = "duty.sick_call"
KEY_COVER = "duty.cover_assigned"

ACTION_LABELS = {
    "assignment.sick_call": _("Shift called in sick"),
    "assignment.cover": _("Sick call covered"),
}


def register() -> None:
    messages.register(KEY_SICK, TITLE_SICK)
    messages.register(KEY_COVER, TITLE_COVER)


@dataclass
class Candidate:
    """Someone who could take the shift: ``score`` is nights + weekend + holiday shifts so
    far in the roster (lower is fairer)."""

    person: DutyPerson
    score: int
    nights: int
    weekends: int
    holidays: int


def _locked(pk: int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("roster__community", "shift__post", "person__volunteer")
        .get(pk=pk)
    )


def need_of(assignment: Assignment) -> int:
    """How many people the assignment's shift needs on its day."""
    shift = assignment.shift
    spec = PostSpec(id=shift.post_id, name="", shifts=[], headcount=headcount_of(shift))
    return spec.need(assignment.date, shift.code)


def crew_of(assignment: Assignment):
    """Who stands the assignment's shift that day (sick calls left out)."""
    return Assignment.objects.filter(
        roster_id=assignment.roster_id,
        shift_id=assignment.shift_id,
        date=assignment.date,
        absent=False,
    ).select_related("person")


def covers_of(assignment: Assignment) -> list[Assignment]:
    """The rows put in to cover a sick call on the assignment's shift that day."""
    return list(crew_of(assignment).filter(source=AssignmentSource.COVER).order_by("pk"))


def is_covered(assignment: Assignment) -> bool:
    return crew_of(assignment).count() >= need_of(assignment)


def sick_call(*, actor, assignment: Assignment) -> Assignment:
    """The person on ``assignment`` cannot come: the shift is marked absent and the day
    recorded as sick leave (unless it is already). By the person or community staff. A
    second sick call for the same shift changes nothing."""
    with transaction.atomic():
        assignment = _locked(assignment.pk)
        if not (is_own(actor, assignment.person) or manages(actor, assignment)):
            raise deny(ERR_NOT_YOURS)
        if assignment.absent:
            return assignment
        if assignment.roster.status != RosterStatus.PUBLISHED:
            raise ValidationError(ERR_NOT_PUBLISHED)
        if assignment.ends_at <= timezone.now():
            raise ValidationError(ERR_OVER)
        assignment.absent = True
        assignment.save(update_fields=["absent"])
        day = assignment.date
        absence = Absence.objects.filter(
            person_id=assignment.person_id,
            kind=AbsenceKind.SICK,
            starts_on__lte=day,
            ends_on__gte=day,
        ).first()
        if absence is None:
            absence = Absence.objects.create(
                person_id=assignment.person_id,
                kind=AbsenceKind.SICK,
                starts_on=day,
                ends_on=day,
                created_by=actor,
            )
        audit_event_record(
            actor=actor,
            action="assignment.sick_call",
            target=assignment,
            org_path=assignment.roster.community.path,
            changes={"person": assignment.person_id, "date": str(day), "absence": absence.pk},
        )
        tell(staff_of(assignment.roster.community), KEY_SICK, TITLE_SICK, shift_words(assignment))
    return assignment


def _counts(problem: Problem, specs, person_id: int) -> tuple[int, int, int]:
    nights = weekends = holidays = 0
    for a in specs:
        if a.person != person_id:
            continue
        nights += problem.post(a.post).shift(a.shift).is_night
        kind = day_kind(a.date)
        weekends += kind == WEEKEND
        holidays += kind == HOLIDAY
    return nights, weekends, holidays


def replacements_for(assignment: Assignment) -> list[Candidate]:
    """Who could take ``assignment``'s shift while every hard rule holds, fairest first."""
    problem, specs = roster_now(assignment.roster)
    post_id = assignment.shift.post_id
    if not any(p.id == post_id for p in problem.posts):
        return []
    from shoumen.duty import solver  # OR-Tools takes a second to load: only where it ranks

    found = solver.replacements(
        problem,
        specs,
        post_id,
        assignment.date,
        assignment.shift.code,
        exclude_person=assignment.person_id,
    )
    people = DutyPerson.objects.in_bulk([pid for pid, _score in found])
    out = []
    for pid, score in found:
        nights, weekends, holidays = _counts(problem, specs, pid)
        out.append(Candidate(people[pid], score, nights, weekends, holidays))
    return out


def cover_problems(assignment: Assignment, person: DutyPerson) -> list[dict]:
    """The rules putting ``person`` on ``assignment``'s shift would break."""
    problem, before = roster_now(assignment.roster)
    if not any(p.id == assignment.shift.post_id for p in problem.posts) or not any(
        p.id == person.pk for p in problem.people
    ):
        return problems_of([f"unknown: person {person.pk} at post {assignment.shift.post_id}"])
    new = problem.assignment(
        assignment.shift.post_id, assignment.date, assignment.shift.code, person.pk
    )
    return problems_of(added_violations(problem, before, [*before, new]))


def cover_assign(*, actor, assignment: Assignment, person: DutyPerson) -> Assignment:
    """Put ``person`` on the shift ``assignment``'s person called in sick for (community
    staff): refused if the shift is covered already or if any hard rule would break."""
    with transaction.atomic():
        # The sick call's row is the lock: two staff covering at once take turns here.
        sick = _locked(assignment.pk)
        require(actor, Perm.MANAGE_DUTY, sick.roster.community)
        if not sick.absent:
            raise ValidationError(ERR_NOT_SICK)
        if sick.roster.status != RosterStatus.PUBLISHED:
            raise ValidationError(ERR_NOT_PUBLISHED)
        if sick.ends_at <= timezone.now():
            raise ValidationError(ERR_OVER)
        crew = list(crew_of(sick))
        if len(crew) >= need_of(sick):
            names = "、".join(a.person.name for a in crew)
            raise ValidationError(ERR_COVERED % {"names": names})
        if person.community_id != sick.roster.community_id or not person.is_active:
            raise ValidationError({"person": [ERR_PERSON]})
        if Assignment.objects.filter(
            roster_id=sick.roster_id, shift_id=sick.shift_id, date=sick.date, person=person
        ).exists():
            raise ValidationError({"person": [ERR_ON_SHIFT]})
        problems = cover_problems(sick, person)
        if problems:
            raise ValidationError({"person": texts_of(problems)})
        row = Assignment.objects.create(
            roster=sick.roster,
            shift=sick.shift,
            date=sick.date,
            person=person,
            starts_at=sick.starts_at,
            ends_at=sick.ends_at,
            source=AssignmentSource.COVER,
        )
        audit_event_record(
            actor=actor,
            action="assignment.cover",
            target=row,
            org_path=sick.roster.community.path,
            changes={"sick": sick.pk, "for": sick.person_id, "person": person.pk},
        )
        tell([login_of(person)], KEY_COVER, TITLE_COVER, shift_words(sick))
    return row
