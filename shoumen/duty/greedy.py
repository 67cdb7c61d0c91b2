"""A quick first roster, filled slot by slot in time order, to hint the CP-SAT search
(solver.py): each seat goes to the person who may take it under every hard rule given what
is already filled and who has done least of that kind of duty (nights, weekend or holiday
shifts, then hours). Slots it cannot fill stay empty; the solver completes and improves
the roster, so nothing here has to be optimal or even complete."""

import datetime
from collections import defaultdict

from shoumen.duty.rostering import MEDICAL, PARTY, Assignment, Problem
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind


def first_roster(problem: Problem) -> list[Assignment]:
    rest = datetime.timedelta(hours=problem.rules.min_rest_hours)
    n_max = problem.rules.max_consecutive_days
    slots = []
    for post in problem.posts:
        for day in problem.dates:
            for shift in post.shifts:
                need = post.need(day, shift.code)
                if need > 0:
                    slots.append((shift.starts_at(day), post, day, shift, need))
    slots.sort(key=lambda s: (s[0], s[1].id))
    fixed = defaultdict(list)
    for f in problem.fixed:
        fixed[(f.post, f.date, f.shift)].append(f.person)
    busy: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)
    worked: dict[int, set[datetime.date]] = defaultdict(set)
    for p in problem.people:  # what each worked just before the period
        if p.busy_until is not None:
            busy[p.id].append((p.busy_until, p.busy_until))
        worked[p.id] |= {
            problem.start - datetime.timedelta(days=k) for k in range(1, p.worked_before + 1)
        }
    hours: dict[tuple[int, tuple[int, int]], float] = defaultdict(float)
    done: dict[tuple[int, str], float] = defaultdict(float)
    roster: list[Assignment] = []

    def fits(person, post, day, shift, start, end) -> bool:
        if not person.available(day):
            return False
        for s, e in busy[person.id][-4:]:
            if start < e + rest and s < end + rest:
                return False
        run, d = 0, day - datetime.timedelta(days=1)
        while d in worked[person.id]:
            run, d = run + 1, d - datetime.timedelta(days=1)
        if day not in worked[person.id] and run >= n_max:
            return False
        week = day.isocalendar()[:2]
        return hours[(person.id, week)] + shift.hours <= person.max_hours_week

    for start, post, day, shift, need in slots:
        end = shift.ends_at(day)
        kind = "night" if shift.is_night else day_kind(day)
        req = post.requirements_of(shift.code)
        crew = list(fixed.get((post.id, day, shift.code), []))
        lone = req.no_lone_elder_at_night and shift.is_night
        for seat in range(len(crew), need):
            chosen = [problem.person(i) for i in crew]
            wants = set()
            if req.needs_medical and not any(MEDICAL in p.skills for p in chosen):
                wants.add(MEDICAL)
            if req.needs_party and not any(PARTY in p.skills for p in chosen):
                wants.add(PARTY)
            best, best_key = None, None
            for person in problem.people:
                if person.id in crew or not person.may_stand(post):
                    continue
                if wants and not wants & person.skills and need - seat <= len(wants):
                    continue
                if lone and person.elder and all(p.elder for p in chosen):
                    continue
                if not fits(person, post, day, shift, start, end):
                    continue
                spared = (kind == "night" and person.prefers_no_nights) or (
                    kind in (WEEKEND, HOLIDAY) and person.prefers_weekends_off
                )
                key = (
                    spared,
                    -len(wants & person.skills),
                    done[(person.id, kind)] if kind != "workday" else 0,
                    done[(person.id, "hours")],
                    person.id,
                )
                if best_key is None or key < best_key:
                    best, best_key = person, key
            if best is None:
                break
            crew.append(best.id)
        for pid in crew:
            busy[pid].append((start, end))
            worked[pid].add(day)
            hours[(pid, day.isocalendar()[:2])] += shift.hours
            done[(pid, kind)] += 1
            done[(pid, "hours")] += shift.hours
            roster.append(problem.assignment(post.id, day, shift.code, pid))
    return roster
