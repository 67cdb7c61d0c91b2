"""One's shifts as a calendar feed at a secret address: no login, stable event UIDs, times
in Asia/Shanghai with its VTIMEZONE, no one else's name; a new address stops the old one."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from shoumen.audit.models import AuditEvent
from shoumen.duty.checkin_services import ERR_NOT_ON_DUTY
from shoumen.duty.models import RosterStatus
from tests.duty.conftest import MONDAY, NOW
from tests.duty.my_helpers import assign, roster, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def shifts(duty):
    published = roster(duty, start=MONDAY - datetime.timedelta(days=20), days=28)
    later = roster(duty, start=MONDAY + datetime.timedelta(days=8), days=28)
    gate_day = shift(duty.gate, "D")
    mine = [
        assign(published, gate_day, duty.volunteer),
        assign(
            published,
            shift(duty.monitoring, "N"),
            duty.volunteer,
            day=MONDAY + datetime.timedelta(days=1),
        ),
        assign(
            published,
            gate_day,
            duty.volunteer,
            day=MONDAY + datetime.timedelta(days=2),
            absent=True,
        ),
        assign(later, gate_day, duty.volunteer, day=MONDAY + datetime.timedelta(days=30)),
    ]
    # Outside the feed's days: 31 days back, 61 ahead; and a draft roster's shift.
    old = roster(duty, start=MONDAY - datetime.timedelta(days=31), days=1)
    assign(old, gate_day, duty.volunteer, day=old.starts_on)
    far = roster(duty, start=MONDAY + datetime.timedelta(days=61), days=1)
    assign(far, gate_day, duty.volunteer, day=far.starts_on)
    draft = roster(duty, status=RosterStatus.SOLVED, start=MONDAY, days=7)
    assign(draft, gate_day, duty.volunteer, day=MONDAY + datetime.timedelta(days=3))
    assign(published, gate_day, duty.people[3])  # a team-mate: never named in the feed
    return mine


def _feed(client, person):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("duty:calendar", args=[person.calendar_token]))


def test_the_feed_needs_no_login_and_is_text_calendar(client, duty, shifts):
    response = _feed(client, duty.volunteer)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert reverse("duty:calendar", args=[duty.volunteer.calendar_token]).endswith(".ics")


def test_the_feed_has_one_event_per_published_shift_within_its_days(client, duty, shifts):
    cal = Calendar.from_ical(_feed(client, duty.volunteer).content)
    events = cal.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"assignment-{a.pk}@duty.shoumen" for a in shifts
    )


def test_events_carry_the_shanghai_time_zone_and_name_the_post_and_shift(client, duty, shifts):
    body = _feed(client, duty.volunteer).content
    cal = Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    first = next(
        e for e in cal.walk("VEVENT") if str(e["UID"]) == f"assignment-{shifts[0].pk}@duty.shoumen"
    )
    assert b"DTSTART;TZID=Asia/Shanghai:20260302T080000" in body
    assert first.decoded("DTEND") == shifts[0].ends_at
    assert str(first["SUMMARY"]) == "北门卡点 白班"


def test_the_uid_of_a_shift_stays_the_same_from_one_fetch_to_the_next(client, duty, shifts):
    uids = [
        sorted(
            str(e["UID"])
            for e in Calendar.from_ical(_feed(client, duty.volunteer).content).walk("VEVENT")
        )
        for _ in range(2)
    ]
    assert uids[0] == uids[1]


def test_a_shift_called_in_sick_is_cancelled_in_the_calendar(client, duty, shifts):
    cal = Calendar.from_ical(_feed(client, duty.volunteer).content)
    sick = next(
        e for e in cal.walk("VEVENT") if str(e["UID"]) == f"assignment-{shifts[2].pk}@duty.shoumen"
    )
    assert str(sick["STATUS"]) == "CANCELLED"


def test_the_feed_names_no_one_but_the_person(client, duty, shifts):
    body = _feed(client, duty.volunteer).content.decode()
    assert duty.volunteer.name in body
    assert all(p.name not in body for p in duty.people if p != duty.volunteer)


def test_an_unknown_address_is_404(client, duty):
    response = client.get(reverse("duty:calendar", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_a_new_address_stops_the_old_feed_and_is_audited(client, world, duty, shifts):
    old = duty.volunteer.calendar_token
    client.force_login(world.volunteer)
    response = client.post(reverse("duty:calendar_reset"), {"confirm": "yes"})
    assert response.status_code == 302
    duty.volunteer.refresh_from_db()
    assert duty.volunteer.calendar_token != old
    assert client.get(reverse("duty:calendar", args=[old])).status_code == 404
    assert _feed(client, duty.volunteer).status_code == 200
    event = AuditEvent.objects.get(action="calendar.reset")
    assert event.target_id == str(duty.volunteer.pk)
    assert str(old) not in str(event.changes)


def test_an_unconfirmed_reset_changes_nothing(client, world, duty):
    old = duty.volunteer.calendar_token
    client.force_login(world.volunteer)
    assert client.post(reverse("duty:calendar_reset")).status_code == 302
    duty.volunteer.refresh_from_db()
    assert duty.volunteer.calendar_token == old
    assert not AuditEvent.objects.filter(action="calendar.reset").exists()


def test_someone_not_on_duty_has_no_feed_to_renew(client, world, duty):
    client.force_login(world.grid_worker)
    response = client.post(reverse("duty:calendar_reset"), {"confirm": "yes"}, follow=True)
    assert str(ERR_NOT_ON_DUTY) in response.content.decode()


def test_the_page_offers_the_webcal_address(client, world, duty, shifts):
    client.force_login(world.volunteer)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("duty:my_shifts")).content.decode()
    path = reverse("duty:calendar", args=[duty.volunteer.calendar_token])
    assert f"webcal://testserver{path}" in html
