"""The screening figures of one day against a hand count on the persona world."""

import pytest
import time_machine

from shoumen.screening.services import round_create
from tests.metrics.helpers import DAY, GRIDS, NEXT, at, days, figures

pytestmark = pytest.mark.django_db


def test_households_visited_count_each_household_found_at_home_once(visited):
    assert figures("screening.households_visited", visited, GRIDS) == {"G1": 2}
    assert figures("screening.households_visited", visited, GRIDS, NEXT) == {"G1": 1}
    assert figures("screening.households_visited", visited, GRIDS, DAY - days(1)) == {}


def test_households_due_at_the_end_of_a_past_day_follow_the_visits_made_by_then(visited):
    # G1: the third household (visited only the next morning); G2: never visited.
    assert figures("screening.households_due", visited, GRIDS) == {"G1": 1, "G2": 1}


def test_households_due_today_follow_the_tasks_status(visited):
    # G1: the second household, found nobody home this morning; G2: never visited.
    assert figures("screening.households_due", visited, GRIDS, NEXT) == {"G1": 1, "G2": 1}
    assert figures("screening.households_due", visited, ["G2"], NEXT) == {"G2": 1}


def test_a_round_created_after_the_day_counts_nothing_for_it(visited):
    with time_machine.travel(at(NEXT, 11), tick=False):
        round_create(
            actor=visited.admin_user,
            scope=visited.other_street,
            name="补充走访",
            starts_on=DAY - days(1),
            ends_on=NEXT,
        )
    assert figures("screening.households_due", visited, GRIDS) == {"G1": 1, "G2": 1}
    assert figures("screening.households_due", visited, GRIDS, NEXT) == {
        "G1": 1,
        "G2": 1,
        "G4": 1,
    }
