"""The scheduled rest alerts: community staff told once per person and run of days on
duty past the limit, in their own language, with no name in the copies that leave."""

import pytest
import time_machine
from django.utils import translation

from shoumen.alerts.models import Notification
from shoumen.duty.rest_tasks import (
    BODY_KEY,
    TITLE_KEY,
    rest_alerts_notify,
    rest_alerts_notify_task,
)
from shoumen.schedule import schedule
from tests.duty.conftest import MONDAY
from tests.duty.rest_helpers import DAY, days_up_to, published, shift_of, work

pytestmark = pytest.mark.django_db

MORNING = "2026-03-02 08:05 +0800"


@pytest.fixture
def roster(duty):
    return published(duty.community, MONDAY - 20 * DAY, MONDAY + 20 * DAY)


def _notes(world):
    return list(Notification.objects.filter(recipient=world.community_staff).order_by("pk"))


def _run(moment=MORNING) -> int:
    with time_machine.travel(moment, tick=False):
        return rest_alerts_notify()


def test_staff_are_told_of_someone_past_the_limit(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 8))
    assert _run() == 1
    (note,) = _notes(world)
    assert note.words["title"] == [
        TITLE_KEY,
        {"community": "光华社区", "person": "志愿者小李", "days": 8},
    ]
    assert note.words["body"][0] == BODY_KEY
    assert note.words["key"] == f"{TITLE_KEY}:{duty.volunteer.pk}:2026-02-23"


def test_nobody_is_told_of_six_days(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 6))
    assert _run() == 0
    assert _notes(world) == []


@pytest.mark.parametrize(
    ("moment", "told"), [("2026-03-02 08:05 +0800", 0), ("2026-03-03 08:05 +0800", 1)]
)
def test_staff_are_told_on_the_day_the_limit_is_reached(duty, roster, world, moment, told):
    work(
        roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY + 5 * DAY, 11)
    )  # from 25 February
    assert _run(moment) == told


def test_running_twice_the_same_day_tells_once(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    assert _run() == 1
    assert _run("2026-03-02 09:05 +0800") == 0
    assert len(_notes(world)) == 1


def test_the_same_run_of_days_is_not_told_again_the_next_day(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY + DAY, 10))
    assert _run() == 1
    assert _run("2026-03-03 08:05 +0800") == 0


def test_a_new_run_after_a_day_off_is_told_anew(duty, roster, world):
    gate_day = shift_of(duty.gate, "D")
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY, 7))
    # A day off on Tuesday 3 March, then 7 days from Wednesday to Tuesday 10 March.
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY + 8 * DAY, 7))
    assert _run() == 1
    assert _run("2026-03-10 08:05 +0800") == 1
    keys = [n.words["key"] for n in _notes(world)]
    assert keys == [
        f"{TITLE_KEY}:{duty.volunteer.pk}:2026-02-24",
        f"{TITLE_KEY}:{duty.volunteer.pk}:2026-03-04",
    ]


def test_each_person_past_the_limit_is_told_of(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    work(roster, duty.people[3], shift_of(duty.gate, "E"), days_up_to(MONDAY, 7))
    assert _run() == 2
    people = sorted(n.words["title"][1]["person"] for n in _notes(world))
    assert people == sorted(["志愿者小李", duty.people[3].name])


def test_only_the_communitys_staff_are_told(duty, roster, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    _run()
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        world.community_staff.pk
    }


def test_the_inbox_names_the_person_in_the_readers_language_and_the_copy_does_not(
    duty, roster, world
):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    _run()
    (note,) = _notes(world)
    with translation.override("en"):
        assert note.title_text == "光华社区: 志愿者小李 has been on duty 9 days without a day off"
        assert "rest notice" in note.body_text
    assert "志愿者小李" not in note.title
    assert "志愿者小李" not in note.body


def test_communities_with_no_roster_today_are_left_alone(duty, world):
    old = published(duty.community, MONDAY - 30 * DAY, MONDAY - DAY)
    work(old, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY - DAY, 9))
    assert _run() == 0


def test_the_rest_watch_runs_hourly_by_day_from_the_schedule(duty, roster, world):
    job = next(j for j in schedule() if j.name == "duty-rest-watch")
    assert job.task == "shoumen.duty.rest_tasks.rest_alerts_notify_task"
    assert job.cron == {"hour": "7-21", "minute": "5"}
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    with time_machine.travel(MORNING, tick=False):
        assert rest_alerts_notify_task.call() == 1


def test_a_run_longer_than_the_look_back_is_told_once_not_every_day(duty, world):
    long_roster = published(duty.community, MONDAY - 90 * DAY, MONDAY + 5 * DAY)
    work(long_roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY + 2 * DAY, 90))
    assert _run() == 1
    assert _run("2026-03-03 08:05 +0800") == 0
    assert _run("2026-03-04 08:05 +0800") == 0
    assert _notes(world)[0].words["key"] == f"{TITLE_KEY}:{duty.volunteer.pk}:long"
