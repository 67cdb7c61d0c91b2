"""The hub (/health/) and the indicators board (/health/board/): who opens them, what they
count and link to, the board's numerators and denominators, charts and tables."""

import json

import pytest
import time_machine
from django.urls import reverse

from shoumen.alerts.models import Cause
from shoumen.alerts.services import alert_raise
from shoumen.healthcentre.hub import hub_context
from shoumen.healthcentre.patient_selectors import patients_list
from tests.healthcentre.indicators.conftest import DAY

NOW = "2026-09-01 10:00 +0800"


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_hub_counts_the_doctor_s_team_work(built, django_assert_max_num_queries):
    alert_raise(
        person=built.shan,
        cause=Cause.HEALTH_URGENT_REFERRAL,
        details={"systolic": 182},
        owner=built.family_doctor,
        due_minutes=120,
    )
    with django_assert_max_num_queries(9):
        hub = hub_context(built.family_doctor, day=DAY)
    assert hub.team == built.team_a
    # 单明 overdue since 29 June; 曾丽 due on 8 September.
    assert (hub.follow_ups_due, hub.follow_ups_overdue) == (1, 1)
    assert {a.cause: a.count for a in hub.alerts}[Cause.HEALTH_URGENT_REFERRAL] == 1
    # 王刚's pending contract is team B's.
    assert hub.contracts_pending == 0
    # 曾丽 is checked; the woman turning 65 is booked.
    assert hub.elderly_not_booked == 0
    assert hub.managed is None


def test_the_hub_counts_what_the_patient_list_s_filters_list(built):
    hub = hub_context(built.centre_manager, day=DAY)
    with time_machine.travel(NOW, tick=False):
        listed = {
            due: patients_list(built.centre_manager, due=due).count() for due in ("due", "overdue")
        }
        referrals = patients_list(built.centre_manager, referral_due=True).count()
    assert (hub.follow_ups_due, hub.follow_ups_overdue) == (listed["due"], listed["overdue"])
    assert hub.referral_checks_due == referrals


def test_the_manager_sees_the_centre_s_work_and_its_set_up(built):
    hub = hub_context(built.centre_manager, day=DAY)
    assert hub.team is None
    assert (hub.follow_ups_due, hub.contracts_pending) == (1, 1)
    assert hub.managed == built.health_centre


def test_officers_who_see_the_indicators_only_have_the_board_not_the_hub(built, client):
    client.force_login(built.street_officer)
    assert client.get(reverse("health:home")).status_code == 403
    assert client.get(reverse("health:board")).status_code == 200


def test_the_hub_page_links_each_list_with_its_filter(built, client, english):
    client.force_login(built.family_doctor)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("health:home")).content.decode()
    team = built.team_a.pk
    assert f'href="/health/patients/?due=overdue&amp;team={team}"' in page
    assert f'href="/health/patients/?referral_due=on&amp;team={team}"' in page
    assert 'href="/health/contracts/?status=pending"' in page
    assert 'href="/health/elderly/?status=due"' in page
    assert f'href="/alerts/?cause={Cause.HEALTH_URGENT_REFERRAL.value}"' in page
    for name in ("health:surveys", "health:points", "health:board", "health:hypertension_ledger"):
        assert f'href="{reverse(name)}"' in page
    assert reverse("health:centre", args=[built.health_centre.pk]) not in page


def test_the_manager_s_hub_links_the_centre_s_set_up(built, client):
    client.force_login(built.centre_manager)
    page = client.get(reverse("health:home")).content.decode()
    assert reverse("health:centre", args=[built.health_centre.pk]) in page
    assert reverse("health:point_rules") in page


def test_the_board_shows_numerators_denominators_by_unit_and_team(built, client, english):
    client.force_login(built.street_officer)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("health:board"), {"unit": "S1", "year": "2026"})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.unit.code == "S1"
    assert [r.name for r in board.units] == ["光华社区", "永安社区"]
    assert [r.name for r in board.teams] == ["光华一队", "光华二队"]
    page = response.content.decode()
    assert "Contract rate" in page
    assert 'src="/static/js/healthcentre/board.js"' in page or "healthcentre/board" in page
    data = json.loads(
        page.split('id="health-board-data" type="application/json">')[1].split("<")[0]
    )
    assert len(data["months"]) == 9
    assert data["follow_ups"]["I10"][5] == 2  # June: 单明 twice
    assert data["contracts"][0] == 1  # January's end: 单明's contract


def test_the_board_months_control_and_contracts(built, client):
    client.force_login(built.family_doctor)
    with time_machine.travel(NOW, tick=False):
        board = client.get(reverse("health:board")).context["board"]
    assert board.unit.code == "C1"
    july = board.months[6]
    # 曾丽's latest in July controlled, 王刚's diabetes controlled.
    assert (july.control["I10"].numerator, july.control["I10"].denominator) == (1, 1)
    assert july.ht_follow_ups == 2 and july.dm_follow_ups == 1
    assert [r.name for r in board.units] == ["光华第一网格", "光华第二网格"]


@pytest.mark.parametrize(
    ("persona", "query", "status"),
    [
        ("family_doctor", {"unit": "S1"}, 404),
        ("outsider", {"unit": "C1"}, 404),
        ("grid_worker", {}, 403),
        ("family_doctor", {"unit": "C1", "year": "1990"}, 200),
    ],
)
def test_board_refusals(world, client, persona, query, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("health:board"), query).status_code == status


def test_the_board_s_queries_are_pinned(built, client, django_assert_max_num_queries):
    client.force_login(built.street_officer)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(90):
        assert client.get(reverse("health:board"), {"unit": "S1"}).status_code == 200


def test_the_cdc_board_opens_on_the_district_with_its_streets(built, client):
    client.force_login(built.cdc_officer)
    with time_machine.travel(NOW, tick=False):
        board = client.get(reverse("health:board")).context["board"]
    assert board.unit.code == "D1"
    assert [r.unit.code for r in board.units] == ["S1", "S2"]
    assert board.total.contract_rate.denominator == 7


def test_an_officer_s_home_links_the_board_and_no_patient_list(built, client):
    client.force_login(built.street_officer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("health:board")}"' in page
    assert reverse("health:patients") not in page
    assert f'href="{reverse("health:home")}"' not in page
