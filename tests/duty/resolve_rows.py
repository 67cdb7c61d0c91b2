"""Small published rosters for the re-solve tests, made row by row: 12-hour day and night
shifts (08–20, 20–08, one person each) at a monitoring point of C1 and three people on
duty, each with a login, from Tuesday to Friday of the tests' week. ``TIGHT`` is a roster
where nobody can take A's Thursday day shift alone (B has Wednesday's night before it, C
Thursday's night after it), so a re-solve must move another shift too."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from shoumen.duty.checker import violations
from shoumen.duty.models import DutyPerson, Post, PostKind, Roster, Shift
from shoumen.duty.problem import problem_of_roster, roster_specs
from tests.duty.conftest import MONDAY
from tests.duty.swap_rows import published, put

DAY = datetime.timedelta(days=1)
TUESDAY = MONDAY + DAY
FRIDAY = MONDAY + 4 * DAY

# Day by day from Tuesday: (day shift, night shift).
TIGHT = [("B", "A"), ("C", "B"), ("A", "C"), ("B", "A")]


@dataclass
class Small:
    post: Post
    people: dict[str, DutyPerson]
    roster: Roster


def small_roster(world, plan=TIGHT) -> Small:
    post = Post.objects.create(
        community=world.community, name="测试监测点", kind=PostKind.MONITORING
    )
    for i, (code, label, hour, night) in enumerate(
        [("D", "白班", 8, False), ("N", "夜班", 20, True)]
    ):
        Shift.objects.create(
            post=post,
            code=code,
            label=label,
            start=datetime.time(hour),
            hours=Decimal(12),
            is_night=night,
            order=i,
        )
    logins = {"A": world.grid_worker, "B": world.neighbour_worker, "C": world.volunteer}
    people = {
        key: DutyPerson.objects.create(
            community=world.community,
            name=f"值班{key}",
            user=user,
        )
        for key, user in logins.items()
    }
    roster = published(world.community, TUESDAY, FRIDAY)
    for k, (day, night) in enumerate(plan):
        put(roster, post, "D", TUESDAY + k * DAY, people[day])
        put(roster, post, "N", TUESDAY + k * DAY, people[night])
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []
    return Small(post, people, roster)
