"""The rest watch's figures: days without a full day off counted back from the day, hours
this ISO week and night shifts this month, from the published rosters only."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from shoumen.duty.models import DutyPerson, RosterStatus
from shoumen.duty.rest import LOOKBACK_DAYS, rest_of_person, rest_summary, rest_watch
from shoumen.lib.dates import today
from shoumen.registry.models import Volunteer
from tests.duty.conftest import MONDAY
from tests.duty.rest_helpers import DAY, days_up_to, published, shift_of, work

pytestmark = pytest.mark.django_db

FEB_20 = datetime.date(2026, 2, 20)
MARCH_31 = datetime.date(2026, 3, 31)


@pytest.fixture
def roster(duty):
    return published(duty.community, FEB_20, MARCH_31)


def _row(rows, person):
    return next(r for r in rows if r.person.pk == person.pk)


def test_working_today_and_the_8_days_before_is_9_days_without_rest(duty, roster):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    row = rest_of_person(duty.volunteer, MONDAY)
    assert row.days_without_rest == 9
    assert row.streak_start == MONDAY - 8 * DAY
    assert row.past_limit


@pytest.mark.parametrize(
    ("moment", "days", "flagged"),
    [
        ("2026-03-02 09:00 +0800", 6, False),
        ("2026-03-03 09:00 +0800", 7, True),
        ("2026-03-04 09:00 +0800", 8, True),
    ],
)
def test_past_the_limit_from_the_alert_days_on(duty, roster, moment, days, flagged):
    # On duty every day from 25 February: 6, 7 and 8 days on 2, 3 and 4 March.
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY + 8 * DAY, 14))
    with time_machine.travel(moment, tick=False):
        row = _row(rest_watch(duty.community, today()), duty.volunteer)
    assert (row.days_without_rest, row.past_limit) == (days, flagged)


def test_the_limit_follows_the_setting(duty, roster, settings):
    settings.SHOUMEN_DUTY_REST_ALERT_DAYS = 3
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 3))
    assert rest_of_person(duty.volunteer, MONDAY).past_limit


def test_a_day_off_today_is_no_day_without_rest(duty, roster):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY - DAY, 9))
    row = rest_of_person(duty.volunteer, MONDAY)
    assert (row.days_without_rest, row.streak_start, row.past_limit) == (0, None, False)


def test_a_day_off_in_between_ends_the_count(duty, roster):
    gate_day = shift_of(duty.gate, "D")
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY - 4 * DAY, 5))
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY, 3))
    assert rest_of_person(duty.volunteer, MONDAY).days_without_rest == 3


def test_a_sick_called_shift_is_not_work(duty, roster):
    gate_day = shift_of(duty.gate, "D")
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY, 9))
    sick = duty.volunteer.shifts.get(date=MONDAY - 3 * DAY)
    sick.absent = True
    sick.save()
    assert rest_of_person(duty.volunteer, MONDAY).days_without_rest == 3


def test_a_night_shift_past_midnight_takes_the_next_day_too(duty, roster):
    # 20:00 on Sunday to 08:00 on Monday: Monday is no full day off.
    work(roster, duty.volunteer, shift_of(duty.monitoring, "N"), [MONDAY - DAY])
    assert rest_of_person(duty.volunteer, MONDAY).days_without_rest == 2


def test_only_published_rosters_count(duty):
    draft = published(duty.community, FEB_20, MARCH_31)
    draft.status = RosterStatus.SOLVED
    draft.save()
    work(draft, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    assert rest_of_person(duty.volunteer, MONDAY).days_without_rest == 0


def test_the_count_looks_back_at_most_the_lookback_days(duty, roster):
    long_roster = published(duty.community, MONDAY - 80 * DAY, MONDAY)
    work(long_roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 75))
    row = rest_of_person(duty.volunteer, MONDAY)
    assert (row.days_without_rest, row.capped) == (LOOKBACK_DAYS, True)


def test_hours_this_iso_week_are_monday_to_sunday_planned(duty, roster):
    gate_day = shift_of(duty.gate, "D")
    # Sunday before: last week. Monday, Wednesday (later this week) and Sunday: this week.
    work(roster, duty.volunteer, gate_day, [MONDAY - DAY, MONDAY, MONDAY + 2 * DAY])
    work(roster, duty.volunteer, shift_of(duty.monitoring, "D"), [MONDAY + 6 * DAY])
    work(roster, duty.volunteer, gate_day, [MONDAY + 7 * DAY])
    assert rest_of_person(duty.volunteer, MONDAY).hours_week == 8 + 8 + 12


def test_night_shifts_and_hours_this_month(duty, roster):
    night = shift_of(duty.monitoring, "N")
    work(roster, duty.volunteer, night, [datetime.date(2026, 2, 28), MONDAY, MARCH_31])
    work(roster, duty.volunteer, shift_of(duty.gate, "N"), [MONDAY + DAY])
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY + 3 * DAY])
    row = rest_of_person(duty.volunteer, MONDAY)
    assert (row.night_shifts_month, row.night_hours_month) == (3, 12 + 8 + 12)


def test_rest_watch_puts_the_longest_without_rest_first(duty, roster):
    gate_day, gate_evening = shift_of(duty.gate, "D"), shift_of(duty.gate, "E")
    work(roster, duty.people[3], gate_day, days_up_to(MONDAY, 4))
    work(roster, duty.volunteer, gate_evening, days_up_to(MONDAY, 9))
    rows = rest_watch(duty.community, MONDAY)
    assert [r.person for r in rows[:2]] == [duty.volunteer, duty.people[3]]
    assert [r.days_without_rest for r in rows[:3]] == [9, 4, 0]
    assert len(rows) == len(duty.people)


def test_rest_watch_leaves_out_people_no_longer_on_duty(duty, roster):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    DutyPerson.objects.filter(pk=duty.volunteer.pk).update(is_active=False)
    assert duty.volunteer not in [r.person for r in rest_watch(duty.community, MONDAY)]


def test_rest_watch_reads_in_fixed_queries_whatever_the_people(
    duty, roster, django_assert_max_num_queries
):
    gate_day = shift_of(duty.gate, "D")
    for person in duty.people:
        work(roster, person, gate_day, days_up_to(MONDAY, 3))
    for i in range(20):
        v = Volunteer.objects.create(community=duty.community, name=f"加班{i}")
        person = DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)
        work(roster, person, shift_of(duty.monitoring, "N"), days_up_to(MONDAY, 8))
    with django_assert_max_num_queries(3):
        rows = rest_watch(duty.community, MONDAY)
    assert len(rows) == len(duty.people) + 20
    assert sum(r.past_limit for r in rows) == 20


def test_rest_summary_counts_who_is_past_the_limit_and_the_longest(duty, roster):
    gate_day, gate_evening = shift_of(duty.gate, "D"), shift_of(duty.gate, "E")
    work(roster, duty.volunteer, gate_day, days_up_to(MONDAY, 9))
    work(roster, duty.people[4], gate_evening, days_up_to(MONDAY, 7))
    work(roster, duty.people[5], shift_of(duty.gate, "N"), days_up_to(MONDAY, 6))
    summary = rest_summary(duty.community, MONDAY)
    assert (summary.past_limit, summary.longest, summary.longest_name) == (2, 9, "志愿者小李")
    assert summary.people == len(duty.people)


def test_rest_summary_partial_links_to_the_rest_watch(duty, roster):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 8))
    request = RequestFactory().get("/")
    html = render_to_string(
        "duty/rest/_summary.html",
        {"summary": rest_summary(duty.community, MONDAY)},
        request=request,
    )
    assert f"/duty/unit/{duty.community.pk}/rest/" in html
    assert 'data-testid="rest-summary-past"' in html
    assert "志愿者小李" in html


def test_rest_summary_partial_says_when_nobody_is_past_the_limit(duty, roster):
    html = render_to_string(
        "duty/rest/_summary.html", {"summary": rest_summary(duty.community, MONDAY)}
    )
    assert 'data-testid="rest-summary-ok"' in html
