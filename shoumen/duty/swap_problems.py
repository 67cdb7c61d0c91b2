"""What a change to a published roster (a swap, a cover) would break, in words: the
independent checker's rule lines (checker.py) become sentences naming people, posts and
days. Only the rules the change adds count: a gap left by a sick call or a rule already
broken before is not the change's doing."""

import re
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shoumen.duty import rostering as r
from shoumen.duty.checker import violations
from shoumen.duty.models import DutyPerson, Post, Roster, Team
from shoumen.duty.problem import problem_of_roster, roster_specs

SENTENCES = {
    "rest": _(
        "%(name)s would rest only %(hours)s hours between shifts (%(end)s to %(start)s); "
        "at least %(min)s hours are needed."
    ),
    "consecutive": _(
        "%(name)s would work %(days)s days in a row up to %(date)s; at most %(max)s are allowed."
    ),
    "day-off": _("%(name)s would have no day off in the 7 days from %(date)s."),
    "weekly-hours": _("%(name)s would work %(hours)s hours in week %(week)s; at most %(max)s."),
    "team": _("%(name)s is not in the %(team)s, and only that team stands at %(post)s."),
    "medical": _("%(post)s %(date)s %(shift)s would have no medical team member."),
    "party": _("%(post)s %(date)s %(shift)s would have no Party member."),
    "lone-elder": _("%(post)s %(date)s %(shift)s would have only people over 70 at night."),
    "unavailable": _("%(name)s cannot stand duty on %(date)s (leave, sick or unavailable)."),
    "overlap": _("%(name)s would have two shifts at the same time (%(first)s and %(second)s)."),
    "duplicate": _("%(name)s would stand the same shift twice (%(post)s %(date)s %(shift)s)."),
    "over": _("%(post)s %(date)s %(shift)s would have more people than it needs."),
    "short": _("%(post)s %(date)s %(shift)s would have fewer people than it needs."),
    "other": _("Another rule would be broken: %(raw)s"),
}

_PERSON = r"person (?P<person>\d+)"
_SLOT = r"post (?P<post>\d+) (?P<date>\d{4}-\d\d-\d\d) (?P<shift>\S+)"
_MOMENT = r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?"
PATTERNS = {
    "rest": re.compile(
        rf"{_PERSON} rests (?P<hours>[\d.]+) h between (?P<end>{_MOMENT}) and (?P<start>{_MOMENT})"
    ),
    "consecutive": re.compile(rf"{_PERSON} works (?P<days>\d+) days to (?P<date>\S+)"),
    "day-off": re.compile(rf"{_PERSON} has no day off from (?P<date>\S+)"),
    "weekly-hours": re.compile(
        rf"{_PERSON} (?P<hours>[\d.]+) h in week (?P<week>\S+) \(most (?P<max>[\d.]+)\)"
    ),
    "team": re.compile(rf"{_PERSON} not of team (?P<team>\S+) at post (?P<post>\d+)"),
    "medical": re.compile(_SLOT),
    "party": re.compile(_SLOT),
    "lone-elder": re.compile(_SLOT),
    "unavailable": re.compile(rf"{_PERSON} on (?P<date>\S+)"),
    "overlap": re.compile(rf"{_PERSON} at (?P<first>{_MOMENT}) and (?P<second>{_MOMENT})"),
    "duplicate": re.compile(rf"{_PERSON} twice at (?P<post>\d+) (?P<date>\S+) (?P<shift>\S+)"),
    "over": re.compile(_SLOT),
    "short": re.compile(_SLOT),
}


def added_violations(
    problem: r.Problem, before: list[r.Assignment], after: list[r.Assignment]
) -> list[str]:
    """The checker's lines for ``after`` that ``before`` did not have already."""
    had = Counter(violations(problem, before))
    found = []
    for line in violations(problem, after):
        if had[line]:
            had[line] -= 1
        else:
            found.append(line)
    return found


def roster_now(roster: Roster) -> tuple[r.Problem, list[r.Assignment]]:
    """The roster's problem and its shifts as the database holds them now."""
    return problem_of_roster(roster), roster_specs(roster)


def _short_time(value: str) -> str:
    return value[5:16] if len(value) >= 16 else value


def problem_of(line: str) -> dict:
    """One checker line as kept in ``Swap.problems``: its rule and the values it names."""
    rule, _sep, rest = line.partition(": ")
    pattern = PATTERNS.get(rule)
    match = pattern.search(rest) if pattern else None
    values = match.groupdict() if match else {}
    return {"rule": rule if match else "other", "values": values, "raw": line}


def _names(problems: Iterable[dict]) -> tuple[dict[int, str], dict[int, Post]]:
    people_ids = {int(p["values"]["person"]) for p in problems if "person" in p["values"]}
    post_ids = {int(p["values"]["post"]) for p in problems if "post" in p["values"]}
    people = dict(DutyPerson.objects.filter(pk__in=people_ids).values_list("pk", "name"))
    posts = {p.pk: p for p in Post.objects.filter(pk__in=post_ids).prefetch_related("shifts")}
    return people, posts


def texts_of(problems: list[dict]) -> list[str]:
    """The problems kept on a swap (or found for a cover) as sentences in the active
    language."""
    if not problems:
        return []
    people, posts = _names(problems)
    out = []
    for p in problems:
        values = dict(p.get("values") or {})
        rule = p.get("rule", "other")
        if "person" in values:
            values["name"] = people.get(int(values["person"]), values["person"])
        if "post" in values:
            post = posts.get(int(values["post"]))
            values["post"] = post.name if post else values["post"]
            if post is not None and "shift" in values:
                labels = {s.code: s.label for s in post.shifts.all()}
                values["shift"] = labels.get(values["shift"], values["shift"])
        if "team" in values:
            values["team"] = (
                str(Team(values["team"]).label) if values["team"] in Team.values else ""
            )
        for key in ("end", "start", "first", "second"):
            if key in values:
                values[key] = _short_time(values[key])
        values["min"] = settings.SHOUMEN_DUTY_MIN_REST_HOURS
        values.setdefault("max", settings.SHOUMEN_DUTY_MAX_CONSECUTIVE_DAYS)
        values["raw"] = p.get("raw", "")
        sentence = SENTENCES.get(rule, SENTENCES["other"])
        try:
            out.append(str(sentence % values))
        except (KeyError, TypeError, ValueError):
            out.append(str(SENTENCES["other"] % {"raw": p.get("raw", "")}))
    return out


def problems_of(lines: list[str]) -> list[dict]:
    return [problem_of(line) for line in lines]
