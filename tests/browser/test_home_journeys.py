"""On a phone, each role starts at home and reaches the day's work by tapping only. The
taps are counted (the login is not) and held to an upper bound:

- grid worker, a normal follow-up: 2 taps (Follow-ups, then 正常 on the row);
- community staff, an overdue alert: 1 tap (the alert on home);
- checkpoint volunteer, the scan page: 1 tap (their checkpoint on home).
"""

import pytest

from shoumen.accounts.models import User
from shoumen.observation.models import HealthReport
from tests.pages.home_world import build_day
from tests.personas import PASSWORD, World, build_world

pytestmark = pytest.mark.browser

FOLLOW_UP_TAPS = 2
OVERDUE_ALERT_TAPS = 1
SCAN_PAGE_TAPS = 1


@pytest.fixture
def day(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    return build_day(World())


class Taps:
    """Taps on the phone, counted."""

    def __init__(self, phone):
        self.phone, self.count = phone, 0

    def tap(self, selector: str) -> None:
        self.phone.locator(selector).first.click()
        self.count += 1


def start_at_home(phone, live_server, username) -> Taps:
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    return Taps(phone)


def test_grid_worker_records_a_normal_follow_up_from_home_in_two_taps(live_server, phone, day):
    taps = start_at_home(phone, live_server, "grid_worker")
    taps.tap("[data-testid=home-today]")
    phone.wait_for_url(f"{live_server.url}/today/")
    row = f"#today-row-{day['observation'].pk}"
    taps.tap(f"{row} [data-testid=tap-normal]")
    phone.locator(f"{row}[data-state='2']").wait_for()
    assert HealthReport.objects.filter(person_id=day["observation"].person_id).exists()
    assert taps.count <= FOLLOW_UP_TAPS


def test_community_staff_open_an_overdue_alert_from_home_in_one_tap(live_server, phone, day):
    taps = start_at_home(phone, live_server, "community_staff")
    alert = day["alert"]
    taps.tap(f"[data-testid=home-alert][href='/alerts/{alert.pk}/']")
    phone.wait_for_url(f"{live_server.url}/alerts/{alert.pk}/")
    assert phone.locator("[data-testid=alert-status]").get_attribute("data-status") == "open"
    assert taps.count <= OVERDUE_ALERT_TAPS


def test_volunteer_reaches_the_scan_page_from_home_in_one_tap(live_server, phone, day):
    taps = start_at_home(phone, live_server, "volunteer")
    taps.tap("[data-testid=home-scan]")
    phone.wait_for_url(f"{live_server.url}/checkpoints/{day['gate'].pk}/scan/")
    phone.locator("[data-testid=checkpoint-name]").wait_for()
    assert taps.count <= SCAN_PAGE_TAPS
