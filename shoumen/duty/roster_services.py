"""Solving and publishing rosters. A solve runs in the task worker (never in the request):
the roster row shows its progress, keeps the best roster found when the time is up, and
says where no roster is possible."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import MAX_ROSTER_DAYS, Assignment, Roster, RosterStatus
from shoumen.duty.problem import problem_for, rows_of
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit

ERR_NOT_COMMUNITY = _("Rosters are drawn for a community.")
ERR_DATES_ORDER = _("The last day comes before the first.")
ERR_TOO_LONG = _("A roster covers at most %(days)d days.")
ERR_PAST = _("This period is over; draw rosters for today or later.")
ERR_NOTHING_TO_SOLVE = _("Add posts with shifts and people on duty first.")
ERR_NOT_SOLVED = _("Only a solved roster can be published.")
ERR_RUNNING = _("The roster is still being solved.")
ERR_SOLVE_FAILED = _("Solving failed; nothing was kept. Try again.")
ERR_NO_ROSTER = _("No roster keeps every rule: see what is missing below.")
ERR_TIME_UP = _("No roster was found in the time allowed; try a longer time or fewer rules.")
ERR_TOO_FAR = _("A roster starts within a year from today.")
ERR_TIME_LIMIT = _("Allow between %(min)d and %(max)d seconds.")

# How far ahead a roster may start: far enough for any plan, short of the calendar's end.
MAX_DAYS_AHEAD = 366
# The time a solve may take, as people choose it on the form and the API; the service
# itself takes any second up to the most (tests and the demo solve small rosters quickly).
MIN_SOLVE_SECONDS = 10
MAX_SOLVE_SECONDS = 120

ACTION_LABELS = {
    "roster.solve": _("Roster solving started"),
    "roster.publish": _("Roster published"),
    "assignment.pin": _("Shift fixed by hand"),
    "assignment.unpin": _("Shift freed for the solver"),
    "roster.export": _("Roster exported"),
}

# Progress is written at most this often while the solver finds better rosters.
PROGRESS_EVERY_SECONDS = 1.0


def _check_period(community: OrgUnit, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if community.level != Level.COMMUNITY:
        raise ValidationError({"unit": [ERR_NOT_COMMUNITY]})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [ERR_DATES_ORDER]})
    if (ends_on - starts_on).days + 1 > MAX_ROSTER_DAYS:
        raise ValidationError({"ends_on": [ERR_TOO_LONG % {"days": MAX_ROSTER_DAYS}]})
    if ends_on < today():
        raise ValidationError({"ends_on": [ERR_PAST]})
    if starts_on > today() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"starts_on": [ERR_TOO_FAR]})


def roster_solve(
    *,
    actor,
    community: OrgUnit,
    starts_on: datetime.date,
    ends_on: datetime.date,
    time_limit_seconds: int | None = None,
) -> Roster:
    """Start solving ``community``'s roster for the period in the task worker. The shifts
    pinned by hand in the community's latest roster of the period stay where they are. A
    second request for the same period while one is solving returns that one."""
    roster, _started = roster_solve_start(
        actor=actor,
        community=community,
        starts_on=starts_on,
        ends_on=ends_on,
        time_limit_seconds=time_limit_seconds,
    )
    return roster


def roster_solve_start(
    *,
    actor,
    community: OrgUnit,
    starts_on: datetime.date,
    ends_on: datetime.date,
    time_limit_seconds: int | None = None,
) -> tuple[Roster, bool]:
    """``roster_solve``, also saying whether this call started the solve (False: the
    period's solve already running is returned)."""
    require(actor, Perm.MANAGE_DUTY, community)
    _check_period(community, starts_on, ends_on)
    if time_limit_seconds is not None and not 1 <= time_limit_seconds <= MAX_SOLVE_SECONDS:
        raise ValidationError(
            {"time_limit_seconds": [ERR_TIME_LIMIT % {"min": 1, "max": MAX_SOLVE_SECONDS}]}
        )
    problem = problem_for(community, starts_on, ends_on)
    if not problem.posts or not problem.people:
        raise ValidationError(ERR_NOTHING_TO_SOLVE)
    period = {"community": community, "starts_on": starts_on, "ends_on": ends_on}
    with transaction.atomic():
        running = Roster.objects.filter(**period, status=RosterStatus.SOLVING).first()
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                roster = Roster.objects.create(
                    **period,
                    time_limit_seconds=time_limit_seconds or settings.SHOUMEN_DUTY_SOLVE_SECONDS,
                    created_by=actor,
                )
        except IntegrityError:
            # The same solve asked a moment ago by another tap: that one runs.
            return Roster.objects.get(**period, status=RosterStatus.SOLVING), False
        audit_event_record(
            actor=actor,
            action="roster.solve",
            target=roster,
            org_path=community.path,
            changes={"from": str(starts_on), "to": str(ends_on)},
        )
    from shoumen.duty.tasks import roster_solve_task

    result = roster_solve_task.enqueue(roster.pk, translation.get_language() or "")
    Roster.objects.filter(pk=roster.pk).update(task_id=str(result.id))
    roster.refresh_from_db()
    return roster, True


def _pinned(roster: Roster) -> list[Assignment]:
    """Shifts fixed by hand in the community's rosters overlapping ``roster``'s period."""
    return list(
        Assignment.objects.filter(
            roster__community=roster.community,
            date__range=(roster.starts_on, roster.ends_on),
            fixed=True,
            absent=False,
        )
        .exclude(roster=roster)
        .exclude(roster__status=RosterStatus.SUPERSEDED)
        .select_related("shift")
    )


def run_showing_progress(run, write, seen: list[dict]):
    """``run(seen.append)`` (a solve) in a thread of its own while this one calls
    ``write(seen)`` with each better roster's figures at most every second (the solver's
    callbacks run in its threads, which must not use this thread's database connection)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run, seen.append)
        shown = 0
        while True:
            try:
                return future.result(timeout=PROGRESS_EVERY_SECONDS)
            except FutureTimeout:
                if len(seen) > shown:
                    shown = len(seen)
                    write(seen[:shown])


def _solve_showing_progress(roster: Roster, problem, seen: list[dict]):
    """Solve while the roster row shows each better roster's figures."""
    from shoumen.duty import solver  # OR-Tools takes a second to load: only where it solves

    def write(progress: list[dict]) -> None:
        Roster.objects.filter(pk=roster.pk).update(progress=progress, updated_at=timezone.now())

    return run_showing_progress(
        lambda heard: solver.solve(problem, roster.time_limit_seconds, heard), write, seen
    )


def roster_solve_run(roster_id: int) -> Roster:
    """Solve a roster (in the task worker): its rows are written when a roster is found."""
    roster = Roster.objects.select_related("community").get(pk=roster_id)
    if roster.status != RosterStatus.SOLVING:
        return roster
    pinned = _pinned(roster)
    problem = problem_for(roster.community, roster.starts_on, roster.ends_on, pinned=pinned)
    seen: list[dict] = []
    try:
        result = _solve_showing_progress(roster, problem, seen)
    except Exception:
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.FAILED, message=str(ERR_SOLVE_FAILED)
        )
        raise
    roster.progress = result.progress or seen
    roster.figures = {
        "status": result.status,
        "nights_gap": result.nights_gap,
        "weekends_gap": result.weekends_gap,
        "holidays_gap": result.holidays_gap,
        "preference_violations": result.preference_violations,
        "changes": result.changes,
        "objective": result.objective,
        "bound": result.bound,
        "seconds": result.wall_seconds,
        "first_solution_seconds": result.first_solution_seconds,
    }
    roster.shortfalls = [
        {
            "post": s.post,
            "date": str(s.date),
            "shift": s.shift,
            "missing": s.missing,
            "text": s.reason,
        }
        for s in result.shortfalls
    ]
    fixed = {(f.post, f.date, f.shift, f.person) for f in problem.fixed}
    with transaction.atomic():
        if result.solved:
            Assignment.objects.bulk_create(rows_of(roster, result.assignments, fixed=fixed))
            roster.status, roster.message = RosterStatus.SOLVED, ""
        elif result.shortfalls:
            roster.status, roster.message = RosterStatus.INFEASIBLE, str(ERR_NO_ROSTER)
        else:
            roster.status, roster.message = RosterStatus.INFEASIBLE, str(ERR_TIME_UP)
        roster.save()
    return roster


def roster_publish(*, actor, roster: Roster) -> Roster:
    """Publish a solved roster: it is the one people see and stand. Published rosters of the
    community overlapping its period are replaced. Publishing twice changes nothing."""
    require(actor, Perm.MANAGE_DUTY, roster.community)
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        if roster.status == RosterStatus.PUBLISHED:
            return roster
        if roster.status == RosterStatus.SOLVING:
            raise ValidationError(ERR_RUNNING)
        if roster.status != RosterStatus.SOLVED:
            raise ValidationError(ERR_NOT_SOLVED)
        replaced = list(
            Roster.objects.filter(
                community=roster.community,
                status=RosterStatus.PUBLISHED,
                starts_on__lte=roster.ends_on,
                ends_on__gte=roster.starts_on,
            ).values_list("pk", flat=True)
        )
        Roster.objects.filter(pk__in=replaced).update(status=RosterStatus.SUPERSEDED)
        roster.status = RosterStatus.PUBLISHED
        roster.published_at = timezone.now()
        roster.published_by = actor
        roster.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit_event_record(
            actor=actor,
            action="roster.publish",
            target=roster,
            org_path=roster.community.path,
            changes={"replaced": replaced, "shifts": roster.assignments.count()},
        )
    return roster


def assignment_pin(*, actor, assignment: Assignment, fixed: bool) -> Assignment:
    """Fix a shift by hand (or free it): solving the period again keeps it where it is."""
    require(actor, Perm.MANAGE_DUTY, assignment.roster.community)
    if assignment.fixed != fixed:
        assignment.fixed = fixed
        assignment.save(update_fields=["fixed"])
        audit_event_record(
            actor=actor,
            action="assignment.pin" if fixed else "assignment.unpin",
            target=assignment,
            org_path=assignment.roster.community.path,
        )
    return assignment
