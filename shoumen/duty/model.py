"""The CP-SAT model of a roster problem (see solver.py for how it is solved).

One boolean x[person, post, day, shift] exists only for a person who may stand there that
day (available, not on leave, of the post's team, not an elder on a single-handed night
that forbids it). Per person and day, the shifts of every post that start and end at the
same hours share one boolean u (the person works that time): one shift at a time and the
rest between shifts are clauses between u's, only for the pairs of times (same day or
following days) that overlap or leave less than the minimum rest, computed from the real
start and end datetimes (a 20–08 night followed by a 08–20 day is such a pair: no night
followed by a morning). w[person, day] says the person works that day; any N+1 consecutive
days hold at most N working days, any 7 days at most 6. Weekly hours are per ISO week
(Monday–Sunday) by the day a shift starts.

Work before the period counts: a person's ``worked_before`` days in a row up to its eve
fill the start of the windows reaching back before the first day, and no shift may start
within the minimum rest of their ``busy_until``.

Fairness: for nights, weekend shifts and holiday shifts, the largest minus the smallest
count among the people who could do such shifts at all, leaving out those who prefer to be
spared them (their preference is weighed on its own)."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from shoumen.duty.rostering import MEDICAL, PARTY, Problem
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind

Slot = tuple[int, int, str]  # post id, day index, shift code
Sig = tuple[int, int, bool]  # start minute of day, length in minutes, night


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int, str], cp_model.IntVar] = field(default_factory=dict)
    slack: dict[Slot, cp_model.IntVar] = field(default_factory=dict)
    req_slack: dict[tuple[Slot, str], cp_model.IntVar] = field(default_factory=dict)
    counts: dict[str, dict[int, Any]] = field(default_factory=dict)
    gaps: dict[str, cp_model.IntVar] = field(default_factory=dict)
    preference: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    changes_constant: int = 0


def _conflict(a: Sig, b: Sig, offset_days: int, rest_min: float) -> bool:
    """Whether time ``a`` on one day and ``b`` ``offset_days`` later clash or leave too
    little rest (in either order)."""
    a0, a1 = a[0], a[0] + a[1]
    b0 = b[0] + offset_days * 1440
    b1 = b0 + b[1]
    if a0 < b1 and b0 < a1:
        return True
    return (a1 <= b0 and b0 - a1 < rest_min) or (b1 <= a0 and a0 - b1 < rest_min)


def build(
    problem: Problem,
    *,
    relaxed: bool = False,
    frozen: dict[Slot, list[int]] | None = None,
) -> Built:
    """``relaxed``: coverage and requirements may fall short at a heavy cost (to find
    where they cannot be met). ``frozen``: slots whose people are given and kept."""
    m = cp_model.CpModel()
    built = Built(m)
    dates = problem.dates
    kinds = [day_kind(d) for d in dates]
    rest_min = problem.rules.min_rest_hours * 60
    frozen = frozen or {}
    fixed_keys = {(f.person, f.post, (f.date - problem.start).days, f.shift) for f in problem.fixed}
    sig_of: dict[tuple[int, str], Sig] = {}
    for post in problem.posts:
        for s in post.shifts:
            sig_of[(post.id, s.code)] = (
                s.start.hour * 60 + s.start.minute,
                round(s.hours * 60),
                s.is_night,
            )

    # x variables and the per-slot constraints.
    by_time: dict[int, dict[tuple[int, Sig], list]] = defaultdict(lambda: defaultdict(list))
    for post in problem.posts:
        for di, day in enumerate(dates):
            for s in post.shifts:
                need = post.need(day, s.code)
                slot = (post.id, di, s.code)
                req = post.requirements_of(s.code)
                lone_rule = req.no_lone_elder_at_night and s.is_night
                if need <= 0:
                    continue
                if slot in frozen:
                    candidates = [problem.person(pid) for pid in frozen[slot]]
                else:
                    candidates = [
                        p
                        for p in problem.people
                        if p.available(day)
                        and (
                            (p.id, post.id, di, s.code) in fixed_keys
                            or (p.may_stand(post) and not (lone_rule and need == 1 and p.elder))
                        )
                    ]
                xs = []
                for p in candidates:
                    var = m.new_bool_var(f"x{p.id}_{post.id}_{di}_{s.code}")
                    built.x[(p.id, post.id, di, s.code)] = var
                    by_time[p.id][(di, sig_of[(post.id, s.code)])].append(var)
                    xs.append((p, var))
                    if slot in frozen:
                        m.add(var == 1)
                total = sum(v for _, v in xs)
                if relaxed:
                    short = m.new_int_var(0, need, f"short{post.id}_{di}_{s.code}")
                    built.slack[slot] = short
                    m.add(total + short == need)
                else:
                    m.add(total == need)
                for flag, skill in ((req.needs_medical, MEDICAL), (req.needs_party, PARTY)):
                    if not flag:
                        continue
                    having = [v for p, v in xs if skill in p.skills]
                    if relaxed:
                        miss = m.new_bool_var(f"miss{skill}{post.id}_{di}_{s.code}")
                        built.req_slack[(slot, skill)] = miss
                        m.add(sum(having) + miss >= 1)
                    else:
                        m.add(sum(having) >= 1)
                if lone_rule:
                    younger = sum(v for p, v in xs if not p.elder)
                    for p, v in xs:
                        if p.elder:
                            m.add(v <= younger)
    for f in problem.fixed:
        key = (f.person, f.post, (f.date - problem.start).days, f.shift)
        if key in built.x:
            m.add(built.x[key] == 1)
        else:
            m.add_bool_or([])  # the fixed person cannot stand there at all

    # Per person: one shift at a time, rest, working days, weekly hours, counts.
    longest = max((sig[1] for sig in sig_of.values()), default=0)
    reach = int((longest + rest_min) // 1440) + 1
    n_max = problem.rules.max_consecutive_days
    weeks = defaultdict(list)
    for di, day in enumerate(dates):
        weeks[day.isocalendar()[:2]].append(di)
    counts: dict[str, dict[int, Any]] = {
        "nights": {},
        "weekends": {},
        "holidays": {},
    }
    for person in problem.people:
        times = by_time.get(person.id)
        if not times:
            continue
        u: dict[tuple[int, Sig], cp_model.IntVar] = {}
        for tkey, tvars in times.items():
            if len(tvars) == 1:
                u[tkey] = tvars[0]
            else:
                var = m.new_bool_var("")
                m.add(sum(tvars) == var)
                u[tkey] = var
        keys = sorted(u)
        if person.busy_until is not None:
            earliest = person.busy_until - problem.start_datetime
            for di, sig in keys:
                if di * 1440 + sig[0] < earliest.total_seconds() / 60 + rest_min:
                    m.add(u[(di, sig)] == 0)
        for i, (d1, s1) in enumerate(keys):
            for d2, s2 in keys[i + 1 :]:
                if d2 - d1 > reach:
                    break
                if _conflict(s1, s2, d2 - d1, rest_min):
                    m.add_bool_or([u[(d1, s1)].Not(), u[(d2, s2)].Not()])
        per_day = defaultdict(list)
        for (di, _), var in u.items():
            per_day[di].append(var)
        w: dict[int, cp_model.IntVar] = {}
        for di, vars_ in per_day.items():
            if len(vars_) == 1:
                w[di] = vars_[0]
            else:
                var = m.new_bool_var("")
                m.add_max_equality(var, vars_)
                w[di] = var
        windows = {n_max + 1} | ({7} if n_max + 1 > 7 else set())  # 7 is implied if shorter
        before = min(person.worked_before, n_max + 1)
        for window in windows:
            for first in range(max(-before, 1 - window), len(dates) - window + 1):
                days_in = [w[d] for d in range(max(0, first), first + window) if d in w]
                earlier = -first if first < 0 else 0  # worked days before the period
                if len(days_in) + earlier == window:
                    m.add(sum(days_in) <= window - 1 - earlier)
        for days_of_week in weeks.values():
            hours = [(sig[1], var) for (di, sig), var in u.items() if di in set(days_of_week)]
            if sum(h for h, _ in hours) > person.max_hours_week * 60:
                m.add(sum(h * v for h, v in hours) <= round(person.max_hours_week * 60))
        nights = [var for (di, sig), var in u.items() if sig[2]]
        weekends = [var for (di, sig), var in u.items() if kinds[di] == WEEKEND]
        hols = [var for (di, sig), var in u.items() if kinds[di] == HOLIDAY]
        for name, vars_, spared in (
            ("nights", nights, person.prefers_no_nights),
            ("weekends", weekends, person.prefers_weekends_off),
            ("holidays", hols, person.prefers_weekends_off),
        ):
            if vars_ and not spared:  # who prefers to be spared is not in that share
                counts[name][person.id] = sum(vars_)
        if person.prefers_no_nights:
            built.preference.extend(nights)
        if person.prefers_weekends_off:
            built.preference.extend(weekends + hols)
    built.counts = counts

    for name, per_person in counts.items():
        if len(per_person) < 2:
            continue
        hi = m.new_int_var(0, len(dates) * 3, f"{name}_max")
        lo = m.new_int_var(0, len(dates) * 3, f"{name}_min")
        m.add_max_equality(hi, list(per_person.values()))
        m.add_min_equality(lo, list(per_person.values()))
        gap = m.new_int_var(0, len(dates) * 3, f"{name}_gap")
        m.add(gap == hi - lo)
        built.gaps[name] = gap

    for a in problem.previous:
        key = (a.person, a.post, (a.date - problem.start).days, a.shift)
        if key in built.x:
            built.changes.append(built.x[key].Not())
        else:
            built.changes_constant += 1

    wts = problem.weights
    objective = (
        wts.nights_gap * built.gaps.get("nights", 0)
        + wts.weekends_gap * built.gaps.get("weekends", 0)
        + wts.holidays_gap * built.gaps.get("holidays", 0)
        + wts.preference * sum(built.preference)
        + wts.change * sum(built.changes)
    )
    if relaxed:
        objective += wts.shortfall * (sum(built.slack.values()) + sum(built.req_slack.values()))
    m.minimize(objective)
    return built
