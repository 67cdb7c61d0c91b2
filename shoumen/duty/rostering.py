"""A duty roster problem and its result as plain data, independent of the database.

Dates are local (Asia/Shanghai) calendar dates; ``starts_at``/``ends_at`` are naive local
datetimes. A shift belongs to the day it starts on, also when it crosses midnight: that
day is the person's working day for the consecutive-days and day-off rules, and its hours
count in the ISO week (Monday to Sunday) it starts in. What a person worked just before
the period (``PersonSpec.worked_before`` and ``busy_until``) counts for those rules and
for the rest between shifts."""

import datetime
from dataclasses import dataclass, field

from shoumen.lib.workdays import HOLIDAY, day_kind

MEDICAL = "medical"  # 防控医疗队
PARTY = "party"  # 党员
ELDER_AGE = 70


@dataclass(frozen=True)
class ShiftSpec:
    code: str
    label: str
    start: datetime.time
    hours: float
    is_night: bool = False

    def starts_at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, self.start)

    def ends_at(self, day: datetime.date) -> datetime.datetime:
        return self.starts_at(day) + datetime.timedelta(hours=self.hours)


@dataclass(frozen=True)
class Requirements:
    needs_medical: bool = False
    needs_party: bool = False
    no_lone_elder_at_night: bool = False


@dataclass
class PostSpec:
    """``headcount`` maps (weekday 0–6, ``"holiday"`` or ``"*"`` for any day, shift code)
    to the number of people needed; a holiday falls back to its weekday, a weekday to
    ``"*"``, and a shift with none of them needs nobody."""

    id: int
    name: str
    shifts: list[ShiftSpec]
    headcount: dict[tuple[int | str, str], int]
    requirements: dict[str, Requirements] = field(default_factory=dict)
    team: str | None = None  # when set, only people of this team stand here

    def shift(self, code: str) -> ShiftSpec:
        for shift in self.shifts:
            if shift.code == code:
                return shift
        raise KeyError(code)

    def need(self, day: datetime.date, code: str) -> int:
        if day_kind(day) == HOLIDAY and (HOLIDAY, code) in self.headcount:
            return self.headcount[(HOLIDAY, code)]
        if (day.weekday(), code) in self.headcount:
            return self.headcount[(day.weekday(), code)]
        return self.headcount.get(("*", code), 0)

    def requirements_of(self, code: str) -> Requirements:
        return self.requirements.get(code, Requirements())


@dataclass
class PersonSpec:
    id: int
    name: str
    skills: frozenset[str] = frozenset()  # teams and skills, e.g. "medical", "party"
    age: int | None = None
    is_elder: bool = False
    max_hours_week: float = 48
    unavailable: frozenset[datetime.date] = frozenset()
    leave: frozenset[datetime.date] = frozenset()
    prefers_no_nights: bool = False
    prefers_weekends_off: bool = False
    # Before the period: the working days in a row up to its eve, and the end of the last
    # shift (naive local), so that rest and days off hold across rosters.
    worked_before: int = 0
    busy_until: datetime.datetime | None = None

    @property
    def elder(self) -> bool:
        return self.is_elder or (self.age is not None and self.age > ELDER_AGE)

    def available(self, day: datetime.date) -> bool:
        return day not in self.unavailable and day not in self.leave

    def may_stand(self, post: PostSpec) -> bool:
        return post.team is None or post.team in self.skills


@dataclass(frozen=True)
class Fixed:
    person: int
    post: int
    date: datetime.date
    shift: str


@dataclass
class Rules:
    min_rest_hours: float = 12
    max_consecutive_days: int = 6  # and at least one day off in every 7 days


@dataclass
class Weights:
    nights_gap: int = 20
    weekends_gap: int = 10
    holidays_gap: int = 10
    preference: int = 3
    change: int = 4
    shortfall: int = 10_000  # only in the relaxed model that explains infeasibility


@dataclass(frozen=True)
class Assignment:
    post: int
    date: datetime.date
    shift: str
    person: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def key(self) -> tuple[int, datetime.date, str, int]:
        return (self.post, self.date, self.shift, self.person)


@dataclass
class Problem:
    start: datetime.date
    days: int
    posts: list[PostSpec]
    people: list[PersonSpec]
    fixed: list[Fixed] = field(default_factory=list)
    previous: list[Assignment] = field(default_factory=list)
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)

    @property
    def start_datetime(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time())

    @property
    def dates(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=i) for i in range(self.days)]

    def post(self, post_id: int) -> PostSpec:
        return next(p for p in self.posts if p.id == post_id)

    def person(self, person_id: int) -> PersonSpec:
        return next(p for p in self.people if p.id == person_id)

    def assignment(self, post: int, day: datetime.date, code: str, person: int) -> Assignment:
        shift = self.post(post).shift(code)
        return Assignment(post, day, code, person, shift.starts_at(day), shift.ends_at(day))


@dataclass(frozen=True)
class Shortfall:
    post: int
    date: datetime.date
    shift: str
    missing: int
    reason: str


@dataclass
class Result:
    status: str  # "optimal", "feasible", "infeasible" or "unknown"
    assignments: list[Assignment] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    nights_gap: int = 0
    weekends_gap: int = 0
    holidays_gap: int = 0
    preference_violations: int = 0
    changes: int = 0
    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None
    progress: list[dict] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return self.status in ("optimal", "feasible")
