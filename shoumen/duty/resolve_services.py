"""Solving a published roster again around a sick call (重新排班（保留其余班次）), for when
no single replacement keeps every rule, or as a second choice to one.

Community staff start it from the sick call's page; it runs in the task worker with the
time limit ``SHOUMEN_DUTY_RESOLVE_SECONDS`` (10 by default), keeping every published
shift it can (solver.resolve_after_absence, problem in resolve_problem.py). The answer is
kept as the shifts that would change hands, checked by the independent checker; applying
it changes those rows only and tells only the people whose shifts changed. Discarding it
changes nothing. A double tap starts one re-solve of a roster; when none is found in
time, the message names the short shift and nothing changes."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts import messages
from shoumen.audit.services import audit_event_record
from shoumen.duty import explain
from shoumen.duty.checker import violations
from shoumen.duty.cover_services import ERR_NOT_PUBLISHED, ERR_NOT_SICK, ERR_OVER
from shoumen.duty.models import (
    Assignment,
    AssignmentSource,
    DutyPerson,
    Post,
    Resolve,
    ResolveStatus,
    Roster,
    RosterStatus,
    Shift,
)
from shoumen.duty.problem import aware
from shoumen.duty.resolve_problem import (
    after_changes,
    around,
    base_of,
    by_slot,
    changes_of,
    key_of,
    sick_dates,
    window_start,
)
from shoumen.duty.roster_services import run_showing_progress
from shoumen.duty.rostering import Shortfall
from shoumen.duty.swap_people import login_of, tell
from shoumen.duty.swap_problems import problems_of, texts_of

ERR_NOT_READY = _("Only a re-solve that found a roster can be applied.")
ERR_DONE = _("This re-solve was applied or discarded already.")
ERR_OUTDATED = _(
    "The roster changed since this re-solve started (a cover, a swap or time passing); "
    "nothing was changed. Re-solve again."
)
ERR_BROKEN = _("Applying it would break these rules; nothing was changed:")
ERR_FAILED = _("Re-solving failed; nothing was changed. Try again.")
ERR_NONE = _("No roster keeps every rule around this absence; nothing was changed:")
ERR_TIME_UP = _("No roster was found within %(seconds)d seconds; nothing was changed. Still short:")

TITLE_CHANGED = _("Your duty changed after a sick call: %(changes)s")
KEY_CHANGED = "duty.resolve_changed"

ACTION_LABELS = {
    "roster.resolve": _("Roster re-solved around a sick call"),
    "roster.resolve_apply": _("Re-solved roster applied"),
    "roster.resolve_discard": _("Re-solved roster discarded"),
}


def register() -> None:
    messages.register(KEY_CHANGED, TITLE_CHANGED)


def resolve_seconds() -> int:
    return settings.SHOUMEN_DUTY_RESOLVE_SECONDS


def _checked_sick(assignment: Assignment) -> None:
    if not assignment.absent:
        raise ValidationError(ERR_NOT_SICK)
    if assignment.roster.status != RosterStatus.PUBLISHED:
        raise ValidationError(ERR_NOT_PUBLISHED)
    if assignment.ends_at <= timezone.now():
        raise ValidationError(ERR_OVER)


def roster_resolve_start(*, actor, assignment: Assignment) -> tuple[Resolve, bool]:
    """Start re-solving ``assignment``'s roster around its person's sick days (community
    staff). Returns the re-solve and whether this call started it: a re-solve of the roster
    already running, or one ready for the roster as it is, is returned instead."""
    roster = assignment.roster
    require(actor, Perm.MANAGE_DUTY, roster.community)
    _checked_sick(assignment)
    dates = sick_dates(roster, assignment.person_id)
    base = base_of(roster)
    same = {"roster": roster, "person_id": assignment.person_id, "dates": _iso(dates)}
    with transaction.atomic():
        running = Resolve.objects.filter(roster=roster, status=ResolveStatus.SOLVING).first()
        if running is not None:
            return running, False
        ready = Resolve.objects.filter(**same, status=ResolveStatus.READY, base=base).first()
        if ready is not None:
            return ready, False
        try:
            with transaction.atomic():
                resolve = Resolve.objects.create(
                    **same,
                    sick=assignment,
                    starts_on=window_start(roster, dates),
                    time_limit_seconds=resolve_seconds(),
                    base=base,
                    created_by=actor,
                )
        except IntegrityError:
            # Another tap a moment ago started it: that one runs.
            return Resolve.objects.get(roster=roster, status=ResolveStatus.SOLVING), False
        audit_event_record(
            actor=actor,
            action="roster.resolve",
            target=roster,
            org_path=roster.community.path,
            changes={"resolve": resolve.pk, "sick": assignment.pk, "dates": _iso(dates)},
        )
    from shoumen.duty.tasks import roster_resolve_task

    result = roster_resolve_task.enqueue(resolve.pk, translation.get_language() or "")
    Resolve.objects.filter(pk=resolve.pk).update(task_id=str(result.id))
    resolve.refresh_from_db()
    return resolve, True


def _iso(dates: list[datetime.date]) -> list[str]:
    return [d.isoformat() for d in dates]


def _dates(resolve: Resolve) -> list[datetime.date]:
    return [datetime.date.fromisoformat(d) for d in resolve.dates]


def _short_slots(found, result) -> list[dict]:
    """What no roster could fill: the solver's shortfalls, or else the vacated shifts."""
    shortfalls = list(result.shortfalls)
    if not shortfalls:
        for a in found.previous:
            if a.person == found.person and a.date in set(found.dates):
                post = found.problem.post(a.post)
                label = post.shift(a.shift).label
                text = explain.short_text(post, a.date, label, 1)
                shortfalls.append(Shortfall(a.post, a.date, a.shift, 1, text))
    return [
        {
            "post": s.post,
            "date": str(s.date),
            "shift": s.shift,
            "missing": s.missing,
            "text": s.reason,
        }
        for s in shortfalls
    ]


def roster_resolve_run(resolve_id: int) -> Resolve:
    """Run a re-solve (in the task worker): the changes are kept when a roster is found."""
    resolve = Resolve.objects.select_related("roster__community").get(pk=resolve_id)
    if resolve.status != ResolveStatus.SOLVING:
        return resolve
    from shoumen.duty import solver  # OR-Tools takes a second to load: only where it solves

    def write(progress: list[dict]) -> None:
        Resolve.objects.filter(pk=resolve.pk).update(progress=progress, updated_at=timezone.now())

    seen: list[dict] = []
    try:
        found = around(resolve.roster, resolve.person_id, _dates(resolve), resolve.starts_on)
        result = run_showing_progress(
            lambda heard: solver.resolve_after_absence(
                found.problem,
                found.previous,
                found.person,
                found.dates,
                resolve.time_limit_seconds,
                heard,
            ),
            write,
            seen,
        )
    except Exception:
        _finish(resolve, status=ResolveStatus.FAILED, message=str(ERR_FAILED))
        raise
    fields: dict = {
        "progress": result.progress or seen,
        "figures": {
            "status": result.status,
            "changes": result.changes,
            "seconds": result.wall_seconds,
            "nights_gap": result.nights_gap,
            "weekends_gap": result.weekends_gap,
        },
    }
    if result.solved and not violations(found.problem, result.assignments):
        dropped, added = changes_of(found, result.assignments)
        fields |= {"status": ResolveStatus.READY, "dropped": dropped, "added": added}
    elif result.solved:  # the checker disagrees with the model: never offered
        fields |= {"status": ResolveStatus.FAILED, "message": str(ERR_FAILED)}
    else:
        text = ERR_NONE if result.shortfalls else ERR_TIME_UP
        fields |= {
            "status": ResolveStatus.NOT_FOUND,
            "shortfalls": _short_slots(found, result),
            "message": str(text % {"seconds": resolve.time_limit_seconds}),
        }
    return _finish(resolve, **fields)


def _finish(resolve: Resolve, **fields) -> Resolve:
    """Write the outcome unless the re-solve was discarded meanwhile."""
    Resolve.objects.filter(pk=resolve.pk, status=ResolveStatus.SOLVING).update(
        **fields, updated_at=timezone.now()
    )
    resolve.refresh_from_db()
    return resolve


def _locked(resolve: Resolve) -> Resolve:
    return (
        Resolve.objects.select_for_update(of=("self",))
        .select_related("roster__community")
        .get(pk=resolve.pk)
    )


def _outdated(resolve: Resolve, message: str) -> Resolve:
    resolve.status, resolve.message = ResolveStatus.OUTDATED, message[:500]
    resolve.save(update_fields=["status", "message", "updated_at"])
    return resolve


def _write_rows(roster: Roster, dropped: list[dict], added: list[dict]) -> None:
    """Dropped shifts go to the people added on the same shift (the row, its check-ins and
    swaps stay); what is left over is removed or added."""
    shifts = {
        (s.post_id, s.code): s for s in Shift.objects.filter(post__community=roster.community)
    }
    rows = Assignment.objects.in_bulk([e["row"] for e in dropped])
    gaps = set(
        Assignment.objects.filter(roster=roster, absent=True).values_list("shift_id", "date")
    )
    taking = by_slot(added)
    for slot, leaving in by_slot(dropped).items():
        for entry in leaving:
            row = rows[entry["row"]]
            if taking.get(slot):
                row.person_id = taking[slot].pop()["person"]
                row.source = AssignmentSource.SOLVER
                row.save(update_fields=["person", "source"])
            else:
                row.delete()
    for entries in taking.values():
        for entry in entries:
            post, day, code, person = key_of(entry)
            shift = shifts[(post, code)]
            start = aware(datetime.datetime.combine(day, shift.start))
            gap = (shift.pk, day) in gaps
            Assignment.objects.create(
                roster=roster,
                shift=shift,
                date=day,
                person_id=person,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=float(shift.hours)),
                source=AssignmentSource.COVER if gap else AssignmentSource.SOLVER,
            )


def _tell_changed(dropped: list[dict], added: list[dict]) -> list[int]:
    """One message to each person whose shifts changed, listing them; their ids."""
    posts = {p.pk: p for p in Post.objects.filter(pk__in={e["post"] for e in dropped + added})}
    labels = {(s.post_id, s.code): s.label for s in Shift.objects.filter(post__in=posts.values())}
    lines: dict[int, list[str]] = defaultdict(list)
    for sign, entries in (("−", dropped), ("+", added)):
        for e in entries:
            post = posts[e["post"]]
            label = labels.get((e["post"], e["shift"]), e["shift"])
            lines[e["person"]].append(f"{sign}{post.name} {e['date']} {label}")
    people = DutyPerson.objects.in_bulk(list(lines)).values()
    for person in people:
        tell(
            [login_of(person)], KEY_CHANGED, TITLE_CHANGED, {"changes": "；".join(lines[person.pk])}
        )
    return sorted(lines)


def roster_resolve_apply(*, actor, resolve: Resolve) -> Resolve:
    """Apply a re-solve's changes to the published roster (community staff) when the roster
    is as it was when the re-solve started and the checker finds every hard rule kept;
    otherwise the re-solve is marked outdated and nothing changes (check the returned
    status). Applying twice changes nothing."""
    with transaction.atomic():
        resolve = _locked(resolve)
        roster = Roster.objects.select_for_update().get(pk=resolve.roster_id)
        require(actor, Perm.MANAGE_DUTY, resolve.roster.community)
        if resolve.status == ResolveStatus.APPLIED:
            return resolve
        if resolve.status != ResolveStatus.READY:
            raise ValidationError(ERR_NOT_READY)
        if roster.status != RosterStatus.PUBLISHED or base_of(roster) != resolve.base:
            return _outdated(resolve, str(ERR_OUTDATED))
        found = around(roster, resolve.person_id, _dates(resolve), resolve.starts_on)
        broken = violations(found.problem, after_changes(found, resolve.dropped, resolve.added))
        if broken:
            texts = texts_of(problems_of(broken))
            return _outdated(resolve, " ".join([str(ERR_BROKEN), *texts]))
        _write_rows(roster, resolve.dropped, resolve.added)
        resolve.status = ResolveStatus.APPLIED
        resolve.decided_by, resolve.decided_at = actor, timezone.now()
        resolve.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        told = _tell_changed(resolve.dropped, resolve.added)
        audit_event_record(
            actor=actor,
            action="roster.resolve_apply",
            target=roster,
            org_path=roster.community.path,
            changes={
                "resolve": resolve.pk,
                "dropped": [e["row"] for e in resolve.dropped],
                "added": len(resolve.added),
                "people": told,
            },
        )
    return resolve


def roster_resolve_discard(*, actor, resolve: Resolve) -> Resolve:
    """Discard a re-solve (community staff): nothing changes on the roster. Discarding
    twice changes nothing; an applied re-solve cannot be discarded."""
    with transaction.atomic():
        resolve = _locked(resolve)
        require(actor, Perm.MANAGE_DUTY, resolve.roster.community)
        if resolve.status == ResolveStatus.DISCARDED:
            return resolve
        if resolve.status == ResolveStatus.APPLIED:
            raise ValidationError(ERR_DONE)
        resolve.status = ResolveStatus.DISCARDED
        resolve.decided_by, resolve.decided_at = actor, timezone.now()
        resolve.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_event_record(
            actor=actor,
            action="roster.resolve_discard",
            target=resolve.roster,
            org_path=resolve.roster.community.path,
            changes={"resolve": resolve.pk},
        )
    return resolve
