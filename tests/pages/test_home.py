"""Home is the day's work, per role."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext

from tests.pages.home_world import NOW, build_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def day(world):
    return build_day(world)


def _home(login, user) -> str:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_grid_worker_home_counts_overdue_follow_ups_with_a_big_button_to_today(world, login, day):
    html = _home(login, world.grid_worker)
    assert f'href="{reverse("observation:today")}" data-testid="home-today"' in html
    assert 'data-testid="home-overdue">2<' in html  # 单明 and 曾丽, in grid A


def test_grid_worker_home_lists_the_open_alerts_they_own(world, login, day):
    html = _home(login, world.grid_worker)
    assert reverse("alerts:detail", args=[day["alert"].pk]) in html
    assert reverse("alerts:detail", args=[day["unowned"].pk]) not in html


def test_grid_worker_home_counts_household_visits_due_today(world, login, day):
    html = _home(login, world.neighbour_worker)  # grid A's one household is visited
    assert reverse("screening:tasks", args=[day["round"].pk]) in html
    assert "入户排查" in html


def test_grid_worker_home_keeps_the_resident_search_box_below(world, login, day):
    html = _home(login, world.grid_worker)
    assert html.index('data-testid="home-today"') < html.index('role="search"')


def test_an_empty_grid_worker_home_says_what_will_appear(world, login):
    html = _home(login, world.grid_worker)
    assert 'data-testid="home-no-follow-ups"' in html
    assert gettext("No open alert is yours. Alerts you own will appear here.") in html


def test_community_staff_home_shows_overdue_alerts_with_hours_and_unowned_ones(world, login, day):
    html = _home(login, world.community_staff)
    assert reverse("alerts:detail", args=[day["alert"].pk]) in html
    assert reverse("alerts:detail", args=[day["unowned"].pk]) in html
    assert 'data-testid="overdue-hours"' in html


def test_community_staff_home_counts_who_has_not_reported_with_the_board_one_tap_away(
    world, login, day
):
    html = _home(login, world.community_staff)
    board = reverse("boards:board", args=[world.community.pk])
    assert f'href="{board}" data-testid="home-board"' in html
    assert 'data-testid="home-not-reported">2<' in html


def test_community_staff_home_lists_checkpoints_today_with_their_scan_pages(world, login, day):
    html = _home(login, world.community_staff)
    assert reverse("checkpoint_scan:scan", args=[day["gate"].pk]) in html
    assert reverse("checkpoints:detail", args=[day["gate"].pk]) in html


def test_community_staff_home_shows_open_rounds_progress(world, login, day):
    html = _home(login, world.community_staff)
    assert reverse("screening:round", args=[day["round"].pk]) in html
    assert "1 / 2" in html  # a household in each of its two grids, one visited


def test_community_staff_home_links_transfers_to_accept(world, login, day):
    assert reverse("observation:transfers") in _home(login, world.community_staff)


def test_street_officer_home_is_the_street_board(world, login, day):
    html = _home(login, world.street_officer)
    assert 'data-testid="reporting-rate"' in html
    assert world.street.name in html
    assert reverse("boards:board", args=[world.community.pk]) in html


def test_district_officer_home_is_the_district_board_rolled_up_by_street(world, login, day):
    html = _home(login, world.district_officer)
    assert 'data-testid="reporting-rate"' in html
    assert html.count('data-testid="child-rate"') == 2
    assert reverse("boards:board", args=[world.street.pk]) in html


def test_the_district_board_answers_for_a_district(world, login, day):
    district = world.unit("D1")
    response = login(world.district_officer).get(reverse("boards:board", args=[district.pk]))
    assert response.status_code == 200
    board = response.context["board"]
    assert [r.unit.code for r in board.child_rates] == ["S1", "S2"]
    assert board.child_rates[0].persons == 2
    assert board.total_rate.persons == 2


def test_a_street_officer_cannot_open_the_district_board(world, login):
    district = world.unit("D1")
    response = login(world.street_officer).get(reverse("boards:board", args=[district.pk]))
    assert response.status_code == 404


def test_volunteer_home_is_one_tap_from_the_scan_page_without_a_resident_search(world, login, day):
    html = _home(login, world.volunteer)
    assert reverse("checkpoint_scan:scan", args=[day["gate"].pk]) in html
    assert 'role="search"' not in html


def test_volunteer_home_without_a_checkpoint_says_what_will_appear(world, login):
    html = _home(login, world.volunteer)
    assert 'data-testid="home-no-checkpoint"' in html
    assert 'role="search"' not in html


def test_admin_home_links_users_alert_rules_and_boards(world, login, day):
    html = _home(login, world.admin_user)
    for url in (
        reverse("accounts:user_list"),
        reverse("alert_rules:edit"),
        reverse("boards:board", args=[world.unit("D1").pk]),
    ):
        assert url in html


# The queries a home needs, whatever the data: session and user, the role assignments,
# then a fixed number per section.
HOME_QUERIES = {
    "grid_worker": 16,
    # One of them whether a health centre serves their area (its indicators board's link).
    "community_staff": 25,
    "street_officer": 25,
    "district_officer": 24,
    "volunteer": 12,
    # Two for the admin, who holds the centre's records too (its hub's link).
    "admin_user": 14,
    "family_doctor": 15,
    "centre_nurse": 15,
    "centre_manager": 16,
}


@pytest.mark.parametrize("persona", sorted(HOME_QUERIES))
def test_home_reads_a_fixed_number_of_queries(
    world, login, day, persona, django_assert_max_num_queries
):
    client = login(getattr(world, persona))
    with django_assert_max_num_queries(HOME_QUERIES[persona]):
        assert client.get(reverse("home")).status_code == 200


def test_home_lists_imports_to_finish_for_those_who_may_finish_them(world, login, day):
    job = reverse("ledgers:import_job", args=[day["import_job"].pk])
    assert job in _home(login, world.grid_worker)
    assert job not in _home(login, world.neighbour_worker)


def test_the_board_links_the_key_person_ledgers_for_those_who_may_export(world, login, day):
    html = _home(login, world.street_officer)
    assert reverse("observation_ledgers:download") in html


def test_a_breadcrumb_does_not_link_units_the_user_cannot_open(world, login):
    html = login(world.grid_worker).get(reverse("registry:grid", args=[world.grid_a.pk]))
    html = html.content.decode()
    assert reverse("places:unit", args=[world.community.pk]) not in html
    assert 'data-testid="breadcrumb-plain">光华社区<' in html


def test_community_staff_home_reads_as_many_queries_with_more_work(world, login, day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shoumen.alerts.models import Cause
    from shoumen.alerts.services import alert_raise
    from shoumen.checkpoints.services import checkpoint_create

    client = login(world.community_staff)
    client.get(reverse("home"))  # the first request also saves the session
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for name in ("南门", "东门", "西门"):
        checkpoint_create(actor=world.community_staff, community=world.community, name=name)
    alert_raise(person=world.zeng, cause=Cause.FEVER, details={"temperature": "38.0"})
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)


def test_a_health_role_home_is_the_centre_day_with_alerts_residents_and_inbox(world, login, day):
    for persona in ("family_doctor", "centre_nurse", "centre_manager"):
        html = _home(login, getattr(world, persona))
        assert f'href="{reverse("health:home")}" data-testid="home-health-hub"' in html
        assert 'data-testid="health-hub"' in html  # the hub's own lists, on the home
        assert f'href="{reverse("alerts:list")}" data-testid="home-alerts-link"' in html
        assert f'href="{reverse("inbox:list")}" data-testid="home-inbox"' in html
        assert 'role="search"' in html
        assert 'data-testid="no-role"' not in html


def test_a_health_role_home_shows_no_key_person_work(world, login, day):
    html = _home(login, world.family_doctor)
    assert reverse("observation:today") not in html
    assert reverse("alerts:detail", args=[day["alert"].pk]) not in html  # 单明's fever
    assert reverse("checkpoint_scan:scan", args=[day["gate"].pk]) not in html


def test_the_widest_role_decides_a_health_role_with_a_grid_gets_the_grid_workers_home(world):
    from shoumen.accounts.models import RoleAssignment
    from shoumen.accounts.roles import Role
    from shoumen.accounts.scoping import forget_assignments
    from shoumen.home.selectors import HEALTH, WORKER, home_kind

    doctor = world.family_doctor
    assert home_kind(doctor) == HEALTH
    RoleAssignment.objects.create(user=doctor, role=Role.GRID_WORKER, org_unit=world.grid_a)
    forget_assignments(doctor)
    assert home_kind(doctor) == WORKER


def test_officers_of_an_area_a_centre_serves_have_its_indicators_board_one_tap_away(
    world, login, day
):
    board = f'href="{reverse("health:board")}" data-testid="home-health-board"'
    for persona in ("community_staff", "street_officer", "district_officer", "cdc_officer"):
        assert board in _home(login, getattr(world, persona)), persona
    # No centre serves the other street; the education bureau sees no health indicators.
    for persona in ("outsider", "education_officer", "grid_worker"):
        assert 'data-testid="home-health-board"' not in _home(login, getattr(world, persona))
