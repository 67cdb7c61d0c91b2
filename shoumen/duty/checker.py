"""An independent check of a roster against every hard rule, written from the rules
themselves and sharing nothing with the solver's model: tests run it on what the solver
returns, and a roster edited by hand can be checked the same way.

Each violation is one line starting with the rule's name: ``short``/``over`` (coverage),
``duplicate``, ``overlap``, ``rest``, ``consecutive``, ``day-off``, ``weekly-hours``,
``medical``, ``party``, ``lone-elder``, ``unavailable``, ``team``, ``fixed``, ``unknown``."""

import datetime
from collections import defaultdict

from shoumen.duty.rostering import MEDICAL, PARTY, Assignment, Problem

DAY = datetime.timedelta(days=1)


def violations(
    problem: Problem, assignments: list[Assignment], *, coverage: bool = True
) -> list[str]:
    """Every hard rule broken by ``assignments``; with ``coverage=False``, a part of a
    roster is checked: slots short of people and fixed shifts not present are not counted."""
    found: list[str] = []
    posts = {post.id: post for post in problem.posts}
    people = {person.id: person for person in problem.people}
    dates = set(problem.dates)
    by_slot: dict[tuple[int, datetime.date, str], list[int]] = defaultdict(list)
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        post, person = posts.get(a.post), people.get(a.person)
        if post is None or person is None or a.date not in dates:
            found.append(f"unknown: {a}")
            continue
        codes = {s.code for s in post.shifts}
        if a.shift not in codes:
            found.append(f"unknown: shift {a.shift} at post {a.post}")
            continue
        shift = post.shift(a.shift)
        start = datetime.datetime.combine(a.date, shift.start)
        if (a.starts_at, a.ends_at) != (start, start + datetime.timedelta(hours=shift.hours)):
            found.append(f"unknown: times of {a}")
        if a.person in by_slot[(a.post, a.date, a.shift)]:
            found.append(f"duplicate: person {a.person} twice at {a.post} {a.date} {a.shift}")
            continue
        by_slot[(a.post, a.date, a.shift)].append(a.person)
        by_person[a.person].append(a)
        if a.date in person.unavailable or a.date in person.leave:
            found.append(f"unavailable: person {a.person} on {a.date}")
        if post.team is not None and post.team not in person.skills:
            found.append(f"team: person {a.person} not of team {post.team} at post {a.post}")

    for post in problem.posts:
        for day in problem.dates:
            for shift in post.shifts:
                here = by_slot.get((post.id, day, shift.code), [])
                need = post.need(day, shift.code)
                where = f"post {post.id} {day} {shift.code}"
                if not coverage:
                    pass
                elif len(here) < need:
                    found.append(f"short: {where} has {len(here)} of {need}")
                elif len(here) > need:
                    found.append(f"over: {where} has {len(here)} of {need}")
                if not here:
                    continue
                req = post.requirements_of(shift.code)
                crew = [people[i] for i in here]
                if req.needs_medical and not any(MEDICAL in p.skills for p in crew):
                    found.append(f"medical: {where} has no medical team member")
                if req.needs_party and not any(PARTY in p.skills for p in crew):
                    found.append(f"party: {where} has no Party member")
                if (
                    req.no_lone_elder_at_night
                    and shift.is_night
                    and any(p.elder for p in crew)
                    and all(p.elder for p in crew)
                ):
                    found.append(f"lone-elder: {where} has only people over 70")

    rules = problem.rules
    min_rest = datetime.timedelta(hours=rules.min_rest_hours)
    for person_id, mine in by_person.items():
        person = people[person_id]
        mine.sort(key=lambda a: a.starts_at)
        if person.busy_until is not None and mine[0].starts_at < person.busy_until + min_rest:
            found.append(
                f"rest: person {person_id} starts {mine[0].starts_at} within the rest after "
                f"the shift before the period, ending {person.busy_until}"
            )
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if b.starts_at >= a.ends_at + min_rest:
                    break
                if b.starts_at < a.ends_at:
                    found.append(f"overlap: person {person_id} at {a.starts_at} and {b.starts_at}")
                else:
                    rest = (b.starts_at - a.ends_at).total_seconds() / 3600
                    found.append(
                        f"rest: person {person_id} rests {rest:g} h between {a.ends_at} "
                        f"and {b.starts_at}"
                    )
        # The days worked in a row up to the period's eve count as worked days too.
        earlier = {problem.start - DAY * k for k in range(1, person.worked_before + 1)}
        worked = sorted({a.date for a in mine} | earlier)
        run, previous = 0, None
        for day in worked:
            run = run + 1 if previous is not None and day - previous == DAY else 1
            previous = day
            limit = rules.max_consecutive_days
            if day >= problem.start and (
                run == limit + 1 or (run > limit and day == problem.start)
            ):
                found.append(f"consecutive: person {person_id} works {run} days to {day}")
        worked_set = set(worked)
        firsts = [problem.start + DAY * k for k in range(-6, problem.days - 6)]
        for first in firsts:
            if all(first + DAY * k in worked_set for k in range(7)):
                found.append(f"day-off: person {person_id} has no day off from {first}")
        weeks: dict[tuple[int, int], float] = defaultdict(float)
        for a in mine:
            iso = a.date.isocalendar()
            weeks[(iso[0], iso[1])] += (a.ends_at - a.starts_at).total_seconds() / 3600
        for week, hours in sorted(weeks.items()):
            if hours > person.max_hours_week + 1e-9:
                found.append(
                    f"weekly-hours: person {person_id} {hours:g} h in week {week[0]}-W{week[1]}"
                    f" (most {person.max_hours_week:g})"
                )

    for fixed in problem.fixed if coverage else []:
        if fixed.person not in by_slot.get((fixed.post, fixed.date, fixed.shift), []):
            found.append(f"fixed: {fixed} missing")
    return found
