"""Notices of daily reports not confirmed by the deadline: nothing before it; after it the
community staff of each community missing, each street officer (one notice listing the
street's communities) and each district officer (counts per street); once per unit and
day; a confirmed community is left out; a late confirmation after the notice is fine."""

import datetime

import pytest
import time_machine
from django.utils import translation

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Notification
from shoumen.reports.daily_services import daily_report_confirm
from shoumen.reports.daily_tasks import (
    daily_reports_missing_notify,
    daily_reports_missing_notify_task,
)
from shoumen.reports.models import DailyReport

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def english(settings):
    """Notices are written in the site's language: English here, whatever is translated."""
    settings.LANGUAGE_CODE = "en"


def at(hour: int, minute: int = 0, second: int = 0, day: datetime.date = DAY):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def notices() -> list[Notification]:
    """The daily-report notices sent, oldest first."""
    found = Notification.objects.select_related("recipient").order_by("pk")
    return [n for n in found if str(n.words.get("key", "")).startswith("reports.daily_missing")]


def inbox() -> dict[str, list[str]]:
    """Recipient username → the titles of the daily-report notices they got."""
    found: dict[str, list[str]] = {}
    for note in notices():
        found.setdefault(note.recipient.username, []).append(note.title)
    return found


def run(when: datetime.datetime) -> dict[str, int]:
    with time_machine.travel(when, tick=False), translation.override("en"):
        return daily_reports_missing_notify()


def confirm(world, code: str, when: datetime.datetime, user=None) -> DailyReport:
    with time_machine.travel(when, tick=False):
        report, _created = daily_report_confirm(
            actor=user or world.community_staff, unit=world.unit(code), date=when.date()
        )
    return report


def test_nothing_is_sent_before_the_deadline(world):
    assert run(at(9)) == {"communities": 0, "streets": 0, "districts": 0}
    assert run(at(16, 0, 59)) == {"communities": 0, "streets": 0, "districts": 0}
    assert notices() == []


def test_after_the_deadline_exactly_the_right_people_are_told(world):
    counts = run(at(16, 1))
    # C1 has community staff; C2 and C3 have none. S1 and S2 have an officer each, D1 one.
    assert counts == {"communities": 1, "streets": 2, "districts": 1}
    assert set(inbox()) == {"community_staff", "street_officer", "outsider", "district_officer"}
    assert all(len(titles) == 1 for titles in inbox().values())


def test_the_community_staff_notice_names_the_community_day_and_deadline(world):
    run(at(16, 1))
    (note,) = [n for n in notices() if n.recipient == world.community_staff]
    assert "光华社区" in note.title and "2026-11-30" in note.title and "16:00" in note.title
    assert note.words["key"] == f"reports.daily_missing.community:{world.community.pk}:{DAY}"


def test_the_street_notice_lists_its_communities_not_confirmed(world):
    run(at(16, 1))
    (street,) = [n for n in notices() if n.recipient == world.street_officer]
    assert street.body == "光华社区、永安社区"
    assert "建国门街道" in street.title and "2 communities" in street.title
    (other,) = [n for n in notices() if n.recipient == world.outsider]
    assert other.body == "和平里社区"


def test_the_district_notice_counts_per_street(world):
    run(at(16, 1))
    (note,) = [n for n in notices() if n.recipient == world.district_officer]
    assert "3 communities" in note.title
    assert note.body == "建国门街道: 2；和平街道: 1"


def test_inactive_users_and_other_roles_at_the_unit_are_not_told(world):
    gone = User.objects.create(username="gone_staff", display_name="gone", is_active=False)
    RoleAssignment.objects.create(user=gone, role=Role.COMMUNITY_STAFF, org_unit=world.community)
    worker = User.objects.create(username="c2_worker", display_name="c2")
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, org_unit=world.unit("C2"))
    run(at(16, 1))
    assert "gone_staff" not in inbox() and "c2_worker" not in inbox()
    assert "admin_user" not in inbox() and "volunteer" not in inbox()


def test_a_second_run_sends_nothing_again(world):
    run(at(16, 1))
    first = len(notices())
    assert run(at(16, 16)) == {"communities": 0, "streets": 0, "districts": 0}
    assert run(at(23, 46)) == {"communities": 0, "streets": 0, "districts": 0}
    assert len(notices()) == first == 4


def test_a_confirmed_community_is_not_in_the_list(world):
    confirm(world, "C1", at(15, 30))
    counts = run(at(16, 1))
    assert counts == {"communities": 0, "streets": 2, "districts": 1}
    assert "community_staff" not in inbox()
    (street,) = [n for n in notices() if n.recipient == world.street_officer]
    assert street.body == "永安社区"
    (district,) = [n for n in notices() if n.recipient == world.district_officer]
    assert "2 communities" in district.title


def test_every_community_confirmed_sends_nothing(world):
    for code in ("C1", "C2", "C3"):
        confirm(world, code, at(15, 30), user=world.district_officer)
    assert run(at(16, 1)) == {"communities": 0, "streets": 0, "districts": 0}
    assert notices() == []


def test_a_street_with_all_its_communities_in_is_not_told(world):
    confirm(world, "C3", at(15, 30), user=world.outsider)
    run(at(16, 1))
    assert "outsider" not in inbox()
    (district,) = [n for n in notices() if n.recipient == world.district_officer]
    assert district.body == "建国门街道: 2"


def test_a_late_confirmation_after_the_notice_is_fine(world):
    run(at(16, 1))
    report = confirm(world, "C1", at(16, 40))
    assert report.on_time is False
    assert DailyReport.objects.filter(unit=world.community, date=DAY).count() == 1
    assert run(at(16, 46)) == {"communities": 0, "streets": 0, "districts": 0}
    assert len(notices()) == 4


def test_the_next_day_is_told_again(world):
    run(at(16, 1))
    next_day = DAY + datetime.timedelta(days=1)
    counts = run(at(16, 1, day=next_day))
    assert counts == {"communities": 1, "streets": 2, "districts": 1}
    assert len(inbox()["community_staff"]) == 2


def test_the_deadline_setting_moves_the_notices(world, settings):
    settings.SHOUMEN_DAILY_REPORT_DEADLINE = "18:30"
    assert run(at(17)) == {"communities": 0, "streets": 0, "districts": 0}
    assert run(at(18, 31))["communities"] == 1


def test_the_scheduled_task_runs_the_notices(world):
    with time_machine.travel(at(16, 1), tick=False), translation.override("en"):
        result = daily_reports_missing_notify_task.call()
    assert result == {"communities": 1, "streets": 2, "districts": 1}
