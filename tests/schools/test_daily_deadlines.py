"""The scheduled notices: the health officer hears of classes not in by each session's
deadline and of the daily report not confirmed by its deadline, once, not repeated."""

import datetime

import pytest
import time_machine

from shoumen.alerts.models import Notification
from shoumen.schools.daily_tasks import school_deadlines_notify
from shoumen.schools.models import DailyReport
from tests.schools.daily_helpers import all_in, at, check

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 10, 9)
HOLIDAY = datetime.date(2026, 10, 2)


def run(when):
    with time_machine.travel(when, tick=False):
        return school_deadlines_notify()


def inbox(world):
    return list(Notification.objects.filter(recipient=world.school_doctor).order_by("pk"))


def test_nothing_before_the_morning_deadline(world):
    assert run(at(FRIDAY, 10, 0)) == {"classes": 0, "reports": 0}
    assert inbox(world) == []


def test_classes_not_in_by_the_morning_deadline_notify_the_health_officer_once(world):
    check(world.class_a, FRIDAY, "morning")
    assert run(at(FRIDAY, 10, 1)) == {"classes": 1, "reports": 0}
    (notice,) = inbox(world)
    assert "建国门第一小学" in notice.title and notice.body == "一年级2班"
    assert run(at(FRIDAY, 10, 30)) == {"classes": 0, "reports": 0}
    assert len(inbox(world)) == 1


def test_each_session_is_its_own_notice(world):
    run(at(FRIDAY, 10, 1))
    assert run(at(FRIDAY, 14, 31)) == {"classes": 1, "reports": 0}
    notices = inbox(world)
    assert len(notices) == 2 and notices[1].body == "一年级1班、一年级2班"


def test_only_the_schools_own_officer_hears(world):
    run(at(FRIDAY, 10, 1))
    assert not Notification.objects.exclude(recipient=world.school_doctor).exists()


def test_daily_report_not_confirmed_by_its_deadline(world):
    all_in(world.school, FRIDAY)
    assert run(at(FRIDAY, 16, 0, 59))["reports"] == 0
    assert run(at(FRIDAY, 16, 1))["reports"] == 1
    assert run(at(FRIDAY, 16, 30))["reports"] == 0


def test_a_confirmed_report_is_not_chased(world):
    all_in(world.school, FRIDAY)
    DailyReport.objects.create(
        school=world.school, date=FRIDAY, confirmed_at=at(FRIDAY, 15), on_time=True
    )
    assert run(at(FRIDAY, 17, 0)) == {"classes": 0, "reports": 0}


def test_nothing_on_a_holiday(world):
    assert run(at(HOLIDAY, 17, 0)) == {"classes": 0, "reports": 0}
