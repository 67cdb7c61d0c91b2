"""The observation figures of one day against a hand count on the persona world."""

import pytest
import time_machine

from shoumen.observation.models import Observation, Slot
from tests.metrics.helpers import DAY, GRIDS, NEXT, at, days, figures, report

pytestmark = pytest.mark.django_db


def test_under_observation_at_the_end_of_the_day_by_kind(observed):
    assert figures("observation.under_home_isolation", observed, GRIDS) == {"G1": 1, "G3": 1}
    assert figures("observation.under_central_isolation", observed, GRIDS) == {}
    assert figures("observation.under_home_monitoring", observed, GRIDS) == {"G1": 2}
    assert figures("observation.under_routine_monitoring", observed, GRIDS) == {}


def test_under_observation_the_next_day_counts_who_was_registered_since(observed):
    assert figures("observation.under_home_monitoring", observed, GRIDS, NEXT) == {
        "G1": 2,
        "G4": 1,
    }


def test_started_counts_registrations_of_the_day_but_not_transfers_taken_over(observed):
    assert figures("observation.started", observed, GRIDS) == {"G1": 1}
    assert figures("observation.started", observed, GRIDS, NEXT) == {"G4": 1}


def test_endings_of_the_day_by_status(observed):
    assert figures("observation.completed", observed, GRIDS) == {"G1": 1}
    assert figures("observation.transferred", observed, GRIDS) == {"G2": 1}
    assert figures("observation.hospitalised", observed, GRIDS) == {"G2": 1}
    assert figures("observation.lost", observed, GRIDS) == {"G1": 1}
    assert figures("observation.completed", observed, GRIDS, DAY - days(1)) == {}


def test_follow_ups_due_count_each_person_once_for_both_slots_of_a_past_day(observed):
    # G1: 单明 (two kinds), 曾丽 and 单小宝 (completed that evening); G3: 王刚 taken over.
    assert figures("observation.follow_ups_due", observed, GRIDS) == {"G1": 6, "G3": 2}


def test_follow_ups_done_count_reports_that_reached_the_person(observed):
    assert figures("observation.follow_ups_done", observed, GRIDS) == {"G1": 4, "G3": 1}
    assert figures("observation.follow_ups_not_reached", observed, GRIDS) == {"G1": 1}


def test_follow_ups_today_count_only_the_slots_past_their_deadline(observed):
    # At noon the morning slot (due 10:00) is due, the afternoon one (16:00) not yet.
    # G1: 单明 and 曾丽; G3: 王刚; G4: 李强 (registered this morning). No reports yet.
    assert figures("observation.follow_ups_due", observed, GRIDS, NEXT) == {
        "G1": 2,
        "G3": 1,
        "G4": 1,
    }
    assert figures("observation.follow_ups_done", observed, GRIDS, NEXT) == {}
    report(observed.zeng, observed.unit("G1"), Slot.MORNING, day=NEXT, temperature="36.4")
    assert figures("observation.follow_ups_done", observed, GRIDS, NEXT) == {"G1": 1}
    with time_machine.travel(at(NEXT, 9), tick=False):
        assert figures("observation.follow_ups_due", observed, GRIDS, NEXT) == {}


def test_a_future_day_has_no_follow_ups_due(observed):
    assert figures("observation.follow_ups_due", observed, GRIDS, NEXT + days(1)) == {}


def test_only_the_units_asked_for_are_counted(observed):
    assert figures("observation.under_home_monitoring", observed, ["G2", "G3"]) == {}
    assert figures("observation.follow_ups_due", observed, ["G3"]) == {"G3": 2}
    assert Observation.objects.count() == 9
