"""The phone page of one's own shifts: today first with big buttons, the next 14 days with
team-mates and a swap link, the last 7 days; checking in from it once however often it is
tapped; a friendly page for someone not on duty."""

import datetime
import re

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from shoumen.duty.models import CheckIn
from tests.duty.conftest import MONDAY, NOW
from tests.duty.my_helpers import assign, roster, shift

pytestmark = pytest.mark.django_db

URL = "/duty/me/"


@pytest.fixture
def week(duty):
    """The volunteer's shifts: Monday's day shift with 志愿者01 on the same shift,
    Tuesday's evening shift, Wednesday's day shift called in sick, last Friday's night."""
    published = roster(duty, start=MONDAY - datetime.timedelta(days=7), days=21)
    gate_day = shift(duty.gate, "D")
    today = assign(published, gate_day, duty.volunteer)
    mate = duty.people[2]
    assign(published, gate_day, mate)
    tuesday = assign(
        published, shift(duty.gate, "E"), duty.volunteer, day=MONDAY + datetime.timedelta(days=1)
    )
    sick = assign(
        published, gate_day, duty.volunteer, day=MONDAY + datetime.timedelta(days=2), absent=True
    )
    past = assign(
        published, shift(duty.gate, "N"), duty.volunteer, day=MONDAY - datetime.timedelta(days=3)
    )
    far = assign(published, gate_day, duty.volunteer, day=MONDAY + datetime.timedelta(days=13))
    return {
        "today": today,
        "tuesday": tuesday,
        "sick": sick,
        "past": past,
        "far": far,
        "mate": mate,
    }


def _page(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(URL)


def test_the_page_is_at_duty_me():
    assert reverse("duty:my_shifts") == URL


def test_today_comes_first_highlighted_with_a_check_in_button_and_the_team_mates(
    client, world, week
):
    response = _page(client, world.volunteer)
    assert response.status_code == 200
    today = response.context["shifts"].today
    assert [r.assignment for r in today] == [week["today"]]
    assert today[0].team_mates == [week["mate"].name]
    html = response.content.decode()
    assert 'data-testid="check-in-button"' in html
    assert "list-group-item-primary" in html
    assert week["mate"].name in html


def test_the_next_days_and_the_last_days_are_listed_apart(client, world, week):
    shifts = _page(client, world.volunteer).context["shifts"]
    assert [r.assignment for r in shifts.upcoming] == [week["tuesday"], week["sick"], week["far"]]
    assert [r.assignment for r in shifts.past] == [week["past"]]


def test_a_past_shift_without_a_check_in_says_so(client, world, week):
    html = _page(client, world.volunteer).content.decode()
    past = re.search(rf'data-assignment="{week["past"].pk}".*?</li>', html, re.S).group(0)
    assert 'data-testid="no-check-in"' in past


def test_a_shift_called_in_sick_is_struck_through_and_has_no_buttons(client, world, week):
    html = _page(client, world.volunteer).content.decode()
    sick = re.search(rf'data-assignment="{week["sick"].pk}".*?</li>', html, re.S).group(0)
    assert "text-decoration-line-through" in sick
    assert "check-in-button" not in sick and "swap-link" not in sick


def test_upcoming_shifts_link_to_a_swap_when_the_swap_page_exists(client, world, week):
    html = _page(client, world.volunteer).content.decode()
    try:
        url = reverse("duty:swap_new", args=[week["tuesday"].pk])
    except NoReverseMatch:
        assert 'data-testid="swap-link"' not in html
    else:
        assert url in html


def test_a_double_tap_on_check_in_records_once(client, world, week):
    response = _page(client, world.volunteer)
    sent = str(response.context["shifts"].today[0].client_uuid)
    assert sent in response.content.decode()
    url = reverse("duty:check_in", args=[week["today"].pk])
    with time_machine.travel(NOW, tick=False):
        first = client.post(url, {"kind": "in", "client_uuid": sent})
        second = client.post(url, {"kind": "in", "client_uuid": sent}, follow=True)
    assert first.status_code == 302 and first["Location"] == URL
    assert CheckIn.objects.filter(assignment=week["today"]).count() == 1
    assert "09:00" in second.content.decode()


def test_two_shifts_today_have_buttons_with_their_own_identifiers(client, world, duty, week):
    assign(week["today"].roster, shift(duty.monitoring, "N"), duty.volunteer)  # 20:00–08:00
    CheckIn.objects.create(
        assignment=week["today"],
        kind="in",
        at=week["today"].starts_at,
        client_uuid="00000000-0000-4000-8000-000000000009",
    )
    with time_machine.travel("2026-03-02 19:30 +0800", tick=False):
        client.force_login(world.volunteer)
        response = client.get(URL)
    today = response.context["shifts"].today
    assert [r.may_check_out for r in today] == [True, False]
    assert [r.may_check_in for r in today] == [False, True]
    assert len({str(r.client_uuid) for r in today}) == 2
    html = response.content.decode()
    assert all(str(r.client_uuid) in html for r in today)


def test_after_check_in_the_page_offers_check_out(client, world, week):
    CheckIn.objects.create(
        assignment=week["today"],
        kind="in",
        at=week["today"].starts_at,
        client_uuid="00000000-0000-4000-8000-000000000001",
    )
    html = _page(client, world.volunteer).content.decode()
    assert 'data-testid="check-out-button"' in html and 'data-testid="check-in-button"' not in html


def test_a_refused_check_in_says_why_and_records_nothing(client, world, week):
    client.force_login(world.volunteer)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("duty:check_in", args=[week["tuesday"].pk]),
            {"kind": "in", "client_uuid": "00000000-0000-4000-8000-000000000002"},
            follow=True,
        )
    assert "2026-03-03 15:00" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_someone_else_gets_404_for_the_volunteers_shift(client, world, week):
    client.force_login(world.grid_worker)
    response = client.post(
        reverse("duty:check_in", args=[week["today"].pk]),
        {"kind": "in", "client_uuid": "00000000-0000-4000-8000-000000000003"},
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_someone_not_on_duty_gets_a_friendly_empty_page(client, world, duty):
    response = _page(client, world.grid_worker)
    assert response.status_code == 200
    assert 'data-testid="not-on-duty"' in response.content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, world, week, django_assert_max_num_queries
):
    client.force_login(world.volunteer)
    client.get(URL)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(9):
        client.get(URL)
