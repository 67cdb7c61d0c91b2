"""The problem a re-solve around a sick call answers, as plain data, and what its answer
changes (重新排班（保留其余班次）).

The problem is the rest of a published roster's period: from today (or from the first
sick day, when that shift has not ended yet) to the roster's last day. The person's sick
days are leave; the shifts that must not move are fixed: those that have started, those
pinned by hand, those checked in, and those in a swap waiting for a decision. The
roster's shifts, with the sick person's on the sick days, are the published roster the
solver keeps wherever it can (solver.resolve_after_absence): each shift moved weighs more
than any fairness it could buy, so the fewest shifts move, the fairest way."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone

from shoumen.duty import rostering as r
from shoumen.duty.models import Assignment, CheckIn, Roster, Swap, SwapStatus
from shoumen.duty.problem import problem_for, spec_of
from shoumen.lib.dates import today

Key = tuple[int, datetime.date, str, int]  # post, date, shift code, person
# One shift moved costs more than the most one move can narrow the gaps of nights, weekend
# and holiday shifts (each count moves by one for two people: 2 × (20 + 10 + 10)).
CHANGE_WEIGHT = 100


@dataclass
class Around:
    problem: r.Problem  # the window, the sick days as leave, the shifts that stay fixed
    present: dict[Key, Assignment]  # the shifts people stand now in the window
    previous: list[r.Assignment]  # those and the sick person's shifts on the sick days
    person: int
    dates: list[datetime.date]


def sick_dates(roster: Roster, person_id: int) -> list[datetime.date]:
    """The days of ``person_id``'s shifts in ``roster`` called in sick and not over yet."""
    rows = roster.assignments.filter(person_id=person_id, absent=True, ends_at__gt=timezone.now())
    return sorted(set(rows.values_list("date", flat=True)))


def window_start(roster: Roster, dates: list[datetime.date]) -> datetime.date:
    return max(roster.starts_on, min([today(), *dates]))


def base_of(roster: Roster) -> str:
    """A digest of the roster's rows as they are (who stands what, who called in sick)."""
    rows = roster.assignments.order_by("pk").values_list(
        "pk", "shift_id", "date", "person_id", "absent"
    )
    text = ";".join(
        f"{pk},{shift},{day},{person},{int(absent)}" for pk, shift, day, person, absent in rows
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _held(rows: list[Assignment]) -> set[int]:
    """Rows with a check-in or in a swap waiting for a decision."""
    ids = [a.pk for a in rows]
    held = set(CheckIn.objects.filter(assignment__in=ids).values_list("assignment_id", flat=True))
    for mine, theirs in Swap.objects.filter(
        Q(assignment__in=ids) | Q(partner_assignment__in=ids), status=SwapStatus.PENDING
    ).values_list("assignment_id", "partner_assignment_id"):
        held |= {mine, theirs}
    return held


def around(
    roster: Roster, person_id: int, dates: list[datetime.date], start: datetime.date
) -> Around:
    """The re-solve's problem for ``person_id`` falling out on ``dates`` (see the module)."""
    now = timezone.now()
    problem = problem_for(roster.community, start, roster.ends_on)
    posts = {p.id for p in problem.posts}
    people = {p.id for p in problem.people}
    rows = [
        a
        for a in roster.assignments.filter(date__gte=start).select_related("shift")
        if a.shift.post_id in posts and a.person_id in people
    ]
    held = _held(rows)
    out = set(dates)
    present: dict[Key, Assignment] = {}
    previous: list[r.Assignment] = []
    fixed: list[r.Fixed] = []
    for row in rows:
        spec = spec_of(row)
        vacated = row.person_id == person_id and row.date in out
        if row.absent:
            if vacated:
                previous.append(spec)
            continue
        present[spec.key] = row
        previous.append(spec)
        if not vacated and (row.fixed or row.starts_at <= now or row.pk in held):
            fixed.append(r.Fixed(spec.person, spec.post, spec.date, spec.shift))
    problem = replace(
        problem,
        people=[
            replace(p, leave=frozenset(p.leave | out)) if p.id == person_id else p
            for p in problem.people
        ],
        fixed=fixed,
        previous=[spec_of(a) for a in present.values()],
        weights=replace(problem.weights, change=CHANGE_WEIGHT),
    )
    return Around(problem, present, previous, person_id, sorted(out))


def _entry(post: int, day: datetime.date, shift: str, person: int, **more) -> dict:
    return {**more, "post": post, "date": day.isoformat(), "shift": shift, "person": person}


def _order(entry: dict) -> tuple:
    return (entry["date"], entry["post"], entry["shift"], entry["person"])


def changes_of(found: Around, assignments: list[r.Assignment]) -> tuple[list[dict], list[dict]]:
    """The shifts people stand now that the answer drops (with their row), and the ones it
    adds, in date order."""
    after = {a.key for a in assignments}
    dropped = [_entry(*key, row=row.pk) for key, row in found.present.items() if key not in after]
    added = [_entry(*key) for key in sorted(after - set(found.present))]
    return sorted(dropped, key=_order), sorted(added, key=_order)


def key_of(entry: dict) -> Key:
    return (
        entry["post"],
        datetime.date.fromisoformat(entry["date"]),
        entry["shift"],
        entry["person"],
    )


def after_changes(found: Around, dropped: list[dict], added: list[dict]) -> list[r.Assignment]:
    """The window's shifts once ``dropped`` and ``added`` are applied."""
    gone = {key_of(e) for e in dropped}
    kept = [spec_of(row) for key, row in found.present.items() if key not in gone]
    new = [found.problem.assignment(*key_of(e)) for e in added]
    return [*kept, *new]


def by_slot(entries: list[dict]) -> dict[tuple[int, str, str], list[dict]]:
    slots: dict[tuple[int, str, str], list[dict]] = defaultdict(list)
    for e in entries:
        slots[(e["post"], e["date"], e["shift"])].append(e)
    return slots
