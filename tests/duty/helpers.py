"""Small roster problems for the duty tests."""

import datetime

from shoumen.duty.rostering import PersonSpec, PostSpec, Problem, Requirements, ShiftSpec

START = datetime.date(2026, 3, 2)  # a Monday with no holiday near

THREE = [
    ShiftSpec("N", "night", datetime.time(0), 8, is_night=True),
    ShiftSpec("D", "day", datetime.time(8), 8),
    ShiftSpec("E", "evening", datetime.time(16), 8),
]
TWELVE = [
    ShiftSpec("D", "day", datetime.time(8), 12),
    ShiftSpec("N", "night", datetime.time(20), 12, is_night=True),
]


def post(
    pid: int,
    shifts=THREE,
    need: int = 1,
    requirements: dict[str, Requirements] | None = None,
    **kw,
) -> PostSpec:
    return PostSpec(
        pid,
        f"{pid}号卡点",
        list(shifts),
        {("*", s.code): need for s in shifts},
        requirements or {},
        **kw,
    )


def people(n: int, **kw) -> list[PersonSpec]:
    return [PersonSpec(i, f"worker{i}", **kw) for i in range(1, n + 1)]


def problem(posts, persons, days: int = 7, start: datetime.date = START, **kw) -> Problem:
    return Problem(start=start, days=days, posts=posts, people=persons, **kw)
