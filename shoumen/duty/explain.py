"""Saying why no roster exists: which requirement cannot be met where ("3号卡点 2月1日
夜班 缺1人").

First a quick look at each post, day and shift: are there as many people who may stand
there (available, not on leave, of the team) as it needs, and among them a medical team
member or a Party member where one is required? When every slot passes that look but the
rules together still leave no roster, a relaxed model lets coverage and requirements fall
short at a heavy cost, and the slots it leaves short are reported."""

import datetime

from django.utils.translation import gettext

from shoumen.duty.rostering import MEDICAL, PARTY, PostSpec, Problem, Shortfall


def _date(day: datetime.date) -> str:
    return gettext("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def short_text(post: PostSpec, day: datetime.date, label: str, count: int) -> str:
    return gettext("%(post)s %(date)s %(shift)s short of %(count)d") % {
        "post": post.name,
        "date": _date(day),
        "shift": label,
        "count": count,
    }


def _missing_text(post: PostSpec, day: datetime.date, label: str, skill: str) -> str:
    values = {"post": post.name, "date": _date(day), "shift": label}
    if skill == MEDICAL:
        return gettext("%(post)s %(date)s %(shift)s has no medical team member") % values
    return gettext("%(post)s %(date)s %(shift)s has no Party member") % values


def precheck(problem: Problem) -> list[Shortfall]:
    found: list[Shortfall] = []
    for post in problem.posts:
        for day in problem.dates:
            for shift in post.shifts:
                need = post.need(day, shift.code)
                if need <= 0:
                    continue
                req = post.requirements_of(shift.code)
                lone = req.no_lone_elder_at_night and shift.is_night and need == 1
                fixed_here = {
                    f.person
                    for f in problem.fixed
                    if (f.post, f.date, f.shift) == (post.id, day, shift.code)
                }
                able = [
                    p
                    for p in problem.people
                    if p.available(day)
                    and (p.id in fixed_here or (p.may_stand(post) and not (lone and p.elder)))
                ]
                if len(able) < need:
                    missing = need - len(able)
                    found.append(
                        Shortfall(
                            post.id,
                            day,
                            shift.code,
                            missing,
                            short_text(post, day, shift.label, missing),
                        )
                    )
                for flag, skill in ((req.needs_medical, MEDICAL), (req.needs_party, PARTY)):
                    if flag and not any(skill in p.skills for p in able):
                        found.append(
                            Shortfall(
                                post.id,
                                day,
                                shift.code,
                                1,
                                _missing_text(post, day, shift.label, skill),
                            )
                        )
        for f in problem.fixed:
            person = problem.person(f.person)
            if f.post == post.id and not person.available(f.date):
                found.append(
                    Shortfall(
                        post.id,
                        f.date,
                        f.shift,
                        1,
                        gettext("%(name)s is fixed to %(post)s on %(date)s but cannot work")
                        % {"name": person.name, "post": post.name, "date": _date(f.date)},
                    )
                )
    return found


def relaxed(problem: Problem, time_limit_s: float) -> list[Shortfall]:
    """Where coverage and requirements fall short in the best relaxed roster."""
    from ortools.sat.python import cp_model

    from shoumen.duty.model import build

    built = build(problem, relaxed=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [
            Shortfall(
                0,
                problem.start,
                "",
                0,
                gettext("The fixed shifts break a hard rule between themselves"),
            )
        ]
    dates = problem.dates
    found: list[Shortfall] = []
    for (post_id, di, code), var in built.slack.items():
        missing = int(solver.value(var))
        if missing:
            post = problem.post(post_id)
            text = short_text(post, dates[di], post.shift(code).label, missing)
            found.append(Shortfall(post_id, dates[di], code, missing, text))
    for ((post_id, di, code), skill), var in built.req_slack.items():
        if solver.boolean_value(var):
            post = problem.post(post_id)
            text = _missing_text(post, dates[di], post.shift(code).label, skill)
            found.append(Shortfall(post_id, dates[di], code, 1, text))
    found.sort(key=lambda s: (s.date, s.post, s.shift))
    return found
