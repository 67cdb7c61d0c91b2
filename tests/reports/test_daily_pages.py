"""The daily report page and its one-tap confirm: the figures and narrative shown, on time
or late by the deadline, the zero report's words, a second tap harmless, bad remarks
refused with nothing written, a street listing its communities not confirmed, scoping per
persona, and the home card of community staff."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from shoumen.audit.models import AuditEvent
from shoumen.reports.daily import daily_report_of
from shoumen.reports.daily_services import REMARKS_MAX, daily_report_confirm
from shoumen.reports.models import DailyFigure, DailyReport

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


NEXT_DAY = at(10, day=DAY + datetime.timedelta(days=1))


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English: the assertions name the English words (msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def store(world, code: str, metric: str, value: float, day: datetime.date = DAY) -> None:
    DailyFigure.objects.create(unit=world.unit(code), date=day, metric=metric, value=value)


@pytest.fixture
def busy_c1(world):
    """C1 on DAY: 3 new observations (notable), 2 households visited."""
    store(world, "C1", "observation.started", 3)
    store(world, "C1", "screening.households_visited", 2)


def page(unit, day=None) -> str:
    url = reverse("reports:daily", args=[unit.pk])
    return url + (f"?date={day.isoformat()}" if day else "")


def confirm_url(unit) -> str:
    return reverse("reports:daily_confirm", args=[unit.pk])


def values_shown(response) -> dict[str, str]:
    """Metric name → the number in its row of the figures table."""
    text = response.content.decode()
    rows = re.findall(
        r'<tr data-metric="([^"]+)"[^>]*>.*?data-testid="daily-value">([^<]*)</td>', text, re.S
    )
    return dict(rows)


def test_page_shows_the_days_figures_and_narrative(world, login, busy_c1):
    client = login(world.community_staff)
    with time_machine.travel(NEXT_DAY):
        with translation.override("en"):
            report = daily_report_of(world.community_staff, world.community, DAY)
            text = report.text
        response = client.get(page(world.community, DAY))
    assert response.status_code == 200
    shown = values_shown(response)
    assert shown == {m.name: str(int(v)) for m, v in report.rows}
    assert shown["observation.started"] == "3"
    assert html.escape(text) in response.content.decode()
    assert "3" in text and "2" in text
    assert b'data-testid="daily-not-confirmed"' in response.content
    assert b'data-testid="daily-overdue"' in response.content


def test_page_defaults_to_today(world, login):
    with time_machine.travel(at(9)):
        response = login(world.community_staff).get(page(world.community))
    assert response.context["day"] == DAY and response.context["notice"] is None


@pytest.mark.parametrize("asked", ["2026-13-45", "yesterday", "2026-11-3x"])
def test_a_bad_date_shows_today_with_a_message(world, login, asked):
    with time_machine.travel(at(9)), translation.override("en"):
        response = login(world.community_staff).get(
            reverse("reports:daily", args=[world.community.pk]), {"date": asked}
        )
    assert response.status_code == 200
    assert response.context["day"] == DAY
    assert "is not a date" in response.context["notice"]


def test_a_day_to_come_shows_today_with_a_message(world, login):
    with time_machine.travel(at(9)), translation.override("en"):
        response = login(world.community_staff).get(page(world.community, DAY.replace(day=29)))
        ahead = login(world.community_staff).get(
            page(world.community, DAY + datetime.timedelta(days=3))
        )
    assert response.context["day"] == datetime.date(2026, 11, 29)
    assert ahead.status_code == 200 and ahead.context["day"] == DAY
    assert "still to come" in ahead.context["notice"]
    assert b'data-testid="daily-notice"' in ahead.content


def test_prev_and_next_day_links(world, login):
    with time_machine.travel(at(9)):
        past = login(world.community_staff).get(page(world.community, DAY.replace(day=20)))
        current = login(world.community_staff).get(page(world.community))
    assert b'name="date" value="2026-11-19"><button' in past.content
    assert b'name="date" value="2026-11-21"><button' in past.content
    assert b'data-testid="daily-previous"' in current.content
    assert b'data-testid="daily-next"' not in current.content


def test_confirm_in_one_tap_before_the_deadline_is_on_time(world, login, busy_c1):
    client = login(world.community_staff)
    with time_machine.travel(at(15, 42)):
        response = client.post(confirm_url(world.community), {"date": DAY.isoformat()})
        shown = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == page(world.community, DAY)
    report = DailyReport.objects.get(unit=world.community, date=DAY)
    assert report.on_time and report.confirmed_by == world.community_staff
    assert b'data-testid="daily-on-time"' in shown.content
    assert b'data-testid="daily-confirm"' not in shown.content
    assert "15:42" in shown.content.decode()


def test_confirm_after_the_deadline_is_late(world, login):
    client = login(world.community_staff)
    with time_machine.travel(at(16, 1)):
        client.post(confirm_url(world.community), {"date": DAY.isoformat()})
        shown = client.get(page(world.community))
    assert DailyReport.objects.get(unit=world.community, date=DAY).on_time is False
    assert b'data-testid="daily-late"' in shown.content


def test_zero_report_wording(world, login):
    client = login(world.community_staff)
    with time_machine.travel(at(9)), translation.override("en"):
        before = client.get(page(world.community))
        client.post(confirm_url(world.community), {"date": DAY.isoformat()})
        after = client.get(page(world.community))
    assert b"Confirm the zero report (nothing new to report today)" in before.content
    assert b"Nothing new to report today" in before.content
    assert b"The zero report of 2026-11-30 is confirmed and sent." in after.content
    assert b'data-testid="daily-zero"' in after.content
    assert DailyReport.objects.get(unit=world.community, date=DAY).zero


def test_busy_day_button_is_not_the_zero_report(world, login, busy_c1):
    with time_machine.travel(NEXT_DAY), translation.override("en"):
        response = login(world.community_staff).get(page(world.community, DAY))
    assert b"Confirm and send" in response.content
    assert b"Confirm the zero report" not in response.content


def test_second_post_is_harmless(world, login):
    client = login(world.community_staff)
    with time_machine.travel(at(9)), translation.override("en"):
        client.post(confirm_url(world.community), {"date": DAY.isoformat(), "remarks": "一"})
        again = client.post(
            confirm_url(world.community), {"date": DAY.isoformat(), "remarks": "二"}, follow=True
        )
    report = DailyReport.objects.get(unit=world.community, date=DAY)
    assert report.remarks == "一"
    assert AuditEvent.objects.filter(action="reports.daily_report_confirm").count() == 1
    assert b"was already confirmed" in again.content


def test_remarks_too_long_give_a_message_and_write_nothing(world, login):
    client = login(world.community_staff)
    events = AuditEvent.objects.count()
    with time_machine.travel(at(9)), translation.override("en"):
        response = client.post(
            confirm_url(world.community),
            {"date": DAY.isoformat(), "remarks": "字" * (REMARKS_MAX + 1)},
            follow=True,
        )
    assert response.redirect_chain[0][1] == 302
    assert b"use at most 500 characters" in response.content
    assert not DailyReport.objects.exists() and AuditEvent.objects.count() == events


def test_a_day_to_come_cannot_be_confirmed(world, login):
    with time_machine.travel(at(9)), translation.override("en"):
        response = login(world.community_staff).post(
            confirm_url(world.community), {"date": "2026-12-01"}, follow=True
        )
    assert b"not before" in response.content
    assert not DailyReport.objects.exists()


def test_confirm_without_a_date_writes_nothing(world, login):
    with time_machine.travel(at(9)), translation.override("en"):
        response = login(world.community_staff).post(confirm_url(world.community), {}, follow=True)
    assert b"Choose the day of the report to confirm." in response.content
    assert not DailyReport.objects.exists()


def test_confirm_answers_get_with_405(world, login):
    response = login(world.community_staff).get(confirm_url(world.community))
    assert response.status_code == 405


def test_confirm_is_csrf_protected(world, client):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(world.community_staff)
    with time_machine.travel(at(9)):
        response = guarded.post(confirm_url(world.community), {"date": DAY.isoformat()})
    assert response.status_code == 403
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("community_staff", 302),
        ("street_officer", 302),
        ("district_officer", 302),
        ("admin_user", 302),
        ("outsider", 404),
        ("grid_worker", 404),
        ("volunteer", 403),
        ("principal", 403),
    ],
)
def test_confirm_scoping_per_persona(world, login, persona, status):
    with time_machine.travel(at(9)):
        response = login(getattr(world, persona)).post(
            confirm_url(world.community), {"date": DAY.isoformat()}
        )
    assert response.status_code == status
    assert DailyReport.objects.exists() == (status == 302)


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("community_staff", "C1", 200),
        ("community_staff", "C2", 404),
        ("community_staff", "S1", 404),
        ("street_officer", "S1", 200),
        ("street_officer", "C2", 200),
        ("street_officer", "C3", 404),
        ("outsider", "C1", 404),
        ("outsider", "S2", 200),
        ("district_officer", "D1", 200),
        ("grid_worker", "C1", 404),
        ("grid_worker", "G1", 404),
        ("volunteer", "C1", 403),
        ("cdc_officer", "D1", 403),
    ],
)
def test_page_scoping_per_persona(world, login, persona, code, status):
    with time_machine.travel(at(9)):
        response = login(getattr(world, persona)).get(page(world.unit(code)))
    assert response.status_code == status


def test_street_page_lists_the_community_not_confirmed(world, login):
    with time_machine.travel(at(15)):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
    with time_machine.travel(at(17)), translation.override("en"):
        response = login(world.street_officer).get(page(world.street))
    content = response.content.decode()
    assert response.status_code == 200
    missing = world.unit("C2")
    assert content.count('data-testid="daily-community-missing"') == 1
    assert content.count('data-testid="daily-community-confirmed"') == 1
    assert f'href="{page(missing, DAY)}" data-testid="daily-community-missing"' in content
    assert "1 of 2 communities not confirmed" in content
    assert missing.name in content


def test_only_confirmers_see_the_button(world, login):
    with time_machine.travel(at(9)):
        staff = login(world.community_staff).get(page(world.community))
    assert b'data-testid="daily-confirm"' in staff.content


def test_page_shows_the_chat_text_with_a_copy_button(world, login, busy_c1):
    with time_machine.travel(NEXT_DAY):
        response = login(world.community_staff).get(page(world.community, DAY))
    content = response.content.decode()
    assert 'data-testid="daily-chat-text"' in content and "readonly" in content
    assert 'data-copy-target="daily-chat-text"' in content
    assert "js/reports/copy.js" in content and "onclick" not in content
    assert html.escape(response.context["chat_text"]) in content


def test_page_links_to_its_exports_and_the_trends_board(world, login):
    from django.urls import NoReverseMatch

    with time_machine.travel(at(9)):
        response = login(world.community_staff).get(page(world.community))
    content = response.content.decode()
    for fmt in ("xlsx", "pdf", "txt"):
        assert f'data-testid="daily-export-{fmt}"' in content
    try:
        board = reverse("reports:board", args=[world.community.pk])
    except NoReverseMatch:  # the trends board comes with its own part
        return
    assert board in content


def test_confirm_from_home_returns_home(world, login):
    with time_machine.travel(at(9)):
        response = login(world.community_staff).post(
            confirm_url(world.community), {"date": DAY.isoformat(), "back": "home"}
        )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert DailyReport.objects.filter(unit=world.community, date=DAY).exists()


def test_staff_home_has_a_card_loading_todays_report(world, login):
    with time_machine.travel(at(9)):
        home = login(world.community_staff).get(reverse("home")).content.decode()
    card_url = reverse("reports:daily_card", args=[world.community.pk])
    assert f'hx-get="{card_url}"' in home and 'hx-trigger="load"' in home
    assert reverse("reports:daily", args=[world.community.pk]) in home


def test_home_card_confirms_in_one_tap_and_then_says_when(world, login, busy_c1):
    client = login(world.community_staff)
    card_url = reverse("reports:daily_card", args=[world.community.pk])
    with time_machine.travel(at(9)):
        with translation.override("en"):
            first = daily_report_of(world.community_staff, world.community, DAY).sentences
        before = client.get(card_url).content.decode()
        assert 'data-testid="daily-confirm"' in before
        assert 'name="back" value="home"' in before
        assert f'name="date" value="{DAY.isoformat()}"' in before
        assert "Confirm the zero report" in before  # nothing notable live today
        tapped = client.post(
            confirm_url(world.community), {"date": DAY.isoformat(), "back": "home"}
        )
    with time_machine.travel(at(15, 42)):
        after = client.get(card_url).content.decode()
    assert tapped["Location"] == reverse("home")
    assert 'data-testid="daily-confirm"' not in after
    assert 'data-testid="home-daily-confirmed"' in after and "09:00" in after
    assert html.escape(first[0]) in before


def test_home_card_first_sentence_is_the_narratives(world, login):
    with time_machine.travel(at(9)):
        with translation.override("en"):
            sentence = daily_report_of(world.community_staff, world.community, DAY).sentences[0]
        card = login(world.community_staff).get(
            reverse("reports:daily_card", args=[world.community.pk])
        )
    assert sentence == "Nothing new to report today."
    assert f'data-testid="home-daily-sentence">{sentence}<' in card.content.decode()


def test_other_homes_have_no_daily_card(world, login):
    with time_machine.travel(at(9)):
        worker = login(world.grid_worker).get(reverse("home")).content.decode()
    assert 'data-testid="home-daily-slot"' not in worker


@pytest.mark.parametrize("persona", ["street_officer", "district_officer"])
def test_officer_board_links_the_daily_report(world, login, persona):
    with time_machine.travel(at(9)):
        home = login(getattr(world, persona)).get(reverse("home"))
    unit = home.context["board"].unit
    assert reverse("reports:daily", args=[unit.pk]) in home.content.decode()


def test_street_page_reads_as_many_queries_with_more_communities_confirmed(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.street_officer)
    url = page(world.street, DAY)
    later = at(9, day=DAY + datetime.timedelta(days=2))
    with time_machine.travel(later):
        client.get(url)  # the first request also saves the session
        with CaptureQueriesContext(connection) as before:
            client.get(url)
    with time_machine.travel(at(15)):
        for code in ("C1", "C2"):
            daily_report_confirm(actor=world.street_officer, unit=world.unit(code), date=DAY)
    with time_machine.travel(later), CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.content.count(b'data-testid="daily-community-confirmed"') == 2
    assert len(after) == len(before)
