import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shoumen.accounts.models import User
from tests.personas import PASSWORD


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_page_renders_in_chinese_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_login_with_password_lands_on_home(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "grid_worker", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_repeated_failed_logins_show_the_lockout_page(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "grid_worker", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "grid_worker", "password": PASSWORD}
    )
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_a_lockout_holds_only_for_the_client_that_failed(world, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    attacker = Client(HTTP_X_REAL_IP="203.0.113.7")
    colleague = Client(HTTP_X_REAL_IP="198.51.100.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("accounts:login"), {"username": "grid_worker", "password": "wrong"})
    login = {"username": "grid_worker", "password": PASSWORD}
    locked = attacker.post(reverse("accounts:login"), login)
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    response = colleague.post(reverse("accounts:login"), login)
    assert (response.status_code, response.url) == (302, reverse("home"))


def test_logout_needs_a_post(world, login):
    client = login(world.grid_worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "unit_name"), [("street_officer", "建国门街道"), ("outsider", "和平街道")]
)
def test_street_officer_home_is_their_street_board(world, login, persona, unit_name):
    response = login(getattr(world, persona)).get(reverse("home"))
    assert response.context["board"].unit.name == unit_name


def test_street_officer_home_board_rolls_up_by_community(world, login):
    response = login(world.street_officer).get(reverse("home"))
    assert [r.unit.name for r in response.context["board"].child_rates] == ["光华社区", "永安社区"]


def test_community_staff_home_is_the_day_s_work_with_the_search_box(world, login):
    body = login(world.community_staff).get(reverse("home")).content.decode()
    assert 'data-testid="home-alerts"' in body
    assert 'action="/search/"' in body


def test_volunteer_home_offers_no_resident_search(world, login):
    body = login(world.volunteer).get(reverse("home")).content.decode()
    assert 'data-testid="home-no-checkpoint"' in body
    assert 'action="/search/"' not in body


def test_navbar_shows_role_and_scope(world, login):
    body = login(world.grid_worker).get(reverse("home")).content.decode()
    assert "光华第一网格" in body[: body.index("<main")]


def test_language_switcher_switches_to_english(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert '<html lang="en">' in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_pages_are_chinese_even_when_the_browser_asks_for_english(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="zh-hans">' in response.content.decode()


def test_home_without_a_role_still_renders(client, db):
    user = User.objects.create_user("nobody", password=PASSWORD)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


# Home reads the day's work (test_home.py pins it with data). The first request after a
# login also stamps the session and may create the alert rules' row, so it is not counted.
@pytest.mark.parametrize(("persona", "queries"), [("grid_worker", 13), ("community_staff", 19)])
def test_home_query_count(world, login, django_assert_max_num_queries, persona, queries):
    client = login(getattr(world, persona))
    client.get(reverse("home"))
    with django_assert_max_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200


def test_language_switcher_names_each_language_in_itself(world, login):
    body = login(world.grid_worker).get(reverse("home")).content.decode()
    assert 'lang="en">English</button>' in body
    assert 'lang="zh-hans">简体中文</button>' in body


def test_sessions_expire_after_eight_idle_hours_and_at_browser_close(world, login):
    client = login(world.grid_worker)
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.session.get_expire_at_browser_close()


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_session_is_not_rewritten_on_every_request(world, login):
    client = login(world.grid_worker)
    client.get(reverse("home"))  # the first request after login stamps the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(queries.captured_queries) == []


def test_a_request_after_the_refresh_interval_moves_the_session_end_forward(world, login):
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False) as clock:
        client = login(world.grid_worker)
        client.get(reverse("home"))
        key = client.session.session_key
        first_end = Session.objects.get(session_key=key).expire_date
        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == first_end
        clock.shift(datetime.timedelta(seconds=1))
        client.get(reverse("home"))
        moved = Session.objects.get(session_key=key).expire_date
    assert moved - first_end == datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)


def test_a_session_idle_for_eight_hours_is_sent_to_login(world, login):
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False) as clock:
        client = login(world.grid_worker)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert client.get(reverse("home")).status_code == 200  # still in, and kept alive
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(hours=8, seconds=1))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_stale_session_cookie_starts_no_new_session(client, db):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0123456789abcdef"
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert not Session.objects.exists()
