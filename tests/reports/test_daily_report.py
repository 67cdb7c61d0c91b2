"""The daily report (疫情防控工作日报): a community's figures until confirmed, the figures as
sent after; the zero report; on time by the deadline; a street summing its confirmed
communities and listing the rest; the narrative; scoping and refusals."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from shoumen.audit.models import AuditEvent
from shoumen.places.models import OrgUnit
from shoumen.reports.daily import daily_report_of, daily_reports_between, deadline_of
from shoumen.reports.daily_services import daily_report_confirm
from shoumen.reports.models import DailyFigure, DailyReport

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


# Past days are read from the stored figures; today's are computed live.
NEXT_DAY = at(10, day=DAY + datetime.timedelta(days=1))


def store(world, code: str, metric: str, value: float, day: datetime.date = DAY) -> None:
    DailyFigure.objects.create(unit=world.unit(code), date=day, metric=metric, value=value)


@pytest.fixture
def busy_c1(world):
    """C1 on DAY: 3 new observations (notable), 2 households visited (not notable)."""
    store(world, "C1", "observation.started", 3)
    store(world, "C1", "screening.households_visited", 2)
    store(world, "C3", "observation.started", 1)


def test_community_report_shows_the_days_figures_before_confirmation(world, busy_c1):
    with time_machine.travel(at(20, day=DAY + datetime.timedelta(days=1))):
        report = daily_report_of(world.community_staff, world.community, DAY)
    assert report.values == {"observation.started": 3, "screening.households_visited": 2}
    assert {m.name: v for m, v in report.rows}["alerts.opened"] == 0
    assert report.confirmed is False and report.zero is False and report.overdue is True


def test_narrative_says_each_figure_with_words(world, busy_c1):
    with time_machine.travel(NEXT_DAY), translation.override("zh-hans"):
        report = daily_report_of(world.community_staff, world.community, DAY)
        text = report.text
    assert "新增" in text and "3" in text and "2" in text
    assert "今日无新增异常情况" not in text


def test_zero_report_when_nothing_notable(world):
    store(world, "C1", "screening.households_visited", 5)
    with time_machine.travel(NEXT_DAY), translation.override("zh-hans"):
        report = daily_report_of(world.community_staff, world.community, DAY)
        assert report.zero is True
        assert report.sentences[0] == "今日无新增异常情况"


def test_confirm_freezes_the_figures_as_sent(world, busy_c1):
    with time_machine.travel(NEXT_DAY):
        report, created = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY, remarks=" 已核实 "
        )
    assert created and not report.on_time and not report.zero and report.remarks == "已核实"
    assert report.figures == {"observation.started": 3, "screening.households_visited": 2}
    DailyFigure.objects.filter(unit=world.community).update(value=99)
    with time_machine.travel(NEXT_DAY):
        again = daily_report_of(world.community_staff, world.community, DAY)
    assert again.values["observation.started"] == 3 and again.confirmed
    assert AuditEvent.objects.filter(action="reports.daily_report_confirm").count() == 1


def test_confirm_before_the_deadline_is_on_time(world):
    with time_machine.travel(at(15, 59)):
        report, _ = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY
        )
    assert report.on_time


def test_confirm_in_the_deadlines_minute_is_on_time(world):
    with time_machine.travel(at(16, 0) + datetime.timedelta(seconds=59)):
        report, _ = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY
        )
    assert report.on_time and report.zero


def test_confirm_after_the_deadline_is_late(world):
    with time_machine.travel(at(16, 1)):
        report, _ = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY
        )
    assert report.on_time is False


@override_settings(SHOUMEN_DAILY_REPORT_DEADLINE="18:30")
def test_deadline_is_a_setting(world):
    assert deadline_of(DAY) == at(18, 30)
    with time_machine.travel(at(18, 0)):
        report, _ = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY
        )
    assert report.on_time


def test_second_confirm_answers_the_stored_report(world):
    with time_machine.travel(at(9)):
        first, created = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY, remarks="一"
        )
        second, again = daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY, remarks="二"
        )
    assert created and not again and second.pk == first.pk and second.remarks == "一"
    assert DailyReport.objects.count() == 1


def test_confirm_of_a_day_to_come_is_refused(world):
    with time_machine.travel(at(9)), pytest.raises(ValidationError) as refused:
        daily_report_confirm(
            actor=world.community_staff,
            unit=world.community,
            date=DAY + datetime.timedelta(days=1),
        )
    assert "date" in refused.value.message_dict
    assert not DailyReport.objects.exists()


def test_overlong_remarks_are_refused(world):
    with time_machine.travel(at(9)), pytest.raises(ValidationError) as refused:
        daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY, remarks="长" * 501
        )
    assert "remarks" in refused.value.message_dict
    assert not DailyReport.objects.exists()


def test_grid_worker_cannot_confirm(world):
    with time_machine.travel(at(9)), pytest.raises(PermissionDenied):
        daily_report_confirm(actor=world.grid_worker, unit=world.community, date=DAY)


def test_community_staff_cannot_confirm_another_community(world):
    with time_machine.travel(at(9)), pytest.raises(PermissionDenied):
        daily_report_confirm(actor=world.community_staff, unit=world.unit("C3"), date=DAY)


def test_street_report_sums_confirmed_communities_and_lists_the_rest(world, busy_c1):
    store(world, "C2", "observation.started", 7)  # C2 does not confirm: not summed
    with time_machine.travel(NEXT_DAY):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
        street = daily_report_of(world.street_officer, world.street, DAY)
    assert street.values == {"observation.started": 3, "screening.households_visited": 2}
    assert [(s.unit.code, s.confirmed) for s in street.sub_units] == [
        ("C1", True),
        ("C2", False),
    ]
    assert [s.unit.code for s in street.missing] == ["C2"]


def test_district_report_sums_the_communities_of_every_street(world, busy_c1):
    with time_machine.travel(NEXT_DAY):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
        daily_report_confirm(actor=world.admin_user, unit=world.unit("C3"), date=DAY)
        district = daily_report_of(world.district_officer, world.unit("D1"), DAY)
    assert district.values["observation.started"] == 4
    assert [s.unit.code for s in district.missing] == ["C2"]


def test_a_community_sees_its_own_report_not_anothers(world):
    with time_machine.travel(at(10)):
        daily_report_of(world.community_staff, world.community, DAY)
        with pytest.raises(OrgUnit.DoesNotExist):
            daily_report_of(world.community_staff, world.unit("C3"), DAY)
        with pytest.raises(OrgUnit.DoesNotExist):
            daily_report_of(world.street_officer, world.unit("S2"), DAY)


def test_grids_have_no_daily_report(world):
    with time_machine.travel(at(10)), pytest.raises(OrgUnit.DoesNotExist):
        daily_report_of(world.admin_user, world.grid_a, DAY)


def test_reports_between_give_each_day_up_to_today(world, busy_c1):
    with time_machine.travel(at(10, day=DAY + datetime.timedelta(days=1))):
        days = daily_reports_between(
            world.community_staff,
            world.community,
            DAY - datetime.timedelta(days=1),
            DAY + datetime.timedelta(days=5),
        )
    assert [d.date for d in days] == [DAY - datetime.timedelta(days=i) for i in (1, 0, -1)]
    assert days[1].values["observation.started"] == 3


def test_a_day_still_to_come_has_no_report(world):
    with time_machine.travel(at(10)), pytest.raises(ValidationError) as refused:
        daily_report_of(world.community_staff, world.community, DAY + datetime.timedelta(days=1))
    assert "date" in refused.value.message_dict


def test_late_notice_titles_render_in_the_readers_language():
    from shoumen.alerts import messages
    from shoumen.reports.daily_tasks import COMMUNITY_KEY

    values = {"unit": "光华社区", "date": "2026-11-30", "time": "16:00"}
    with translation.override("zh-hans"):
        chinese = messages.rendered([COMMUNITY_KEY, values])
    with translation.override("en"):
        english = messages.rendered([COMMUNITY_KEY, values])
    assert "光华社区" in chinese and chinese != english and "not confirmed" in english


def test_school_deadline_notice_titles_render_in_the_readers_language():
    from shoumen.alerts import messages
    from shoumen.schools.daily_tasks import REPORT_KEY

    values = {"school": "建国门第一小学", "date": "2026-11-30", "time": "16:00"}
    with translation.override("zh-hans"):
        chinese = messages.rendered([REPORT_KEY, values])
    with translation.override("en"):
        english = messages.rendered([REPORT_KEY, values])
    assert "建国门第一小学" in chinese and chinese != english and "not confirmed" in english
