"""On a phone: community staff open home, find the day's report already filled and confirm
it in one tap; the street officer sees it confirmed and one community missing, then opens
the trend charts; the district officer opens the district's chart and drills down."""

import datetime

import pytest

from shoumen.accounts.models import User
from shoumen.lib.dates import today
from shoumen.reports.models import DailyFigure, DailyReport
from tests.browser.test_home_journeys import start_at_home
from tests.personas import World, build_world

pytestmark = pytest.mark.browser

CONFIRM_TAPS = 1


@pytest.fixture
def world_with_history(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    world = World()
    # Fever reports on the days before: the epidemic curve has something to draw.
    streets = {"C1": "S1", "C2": "S1", "C3": "S2"}
    for back, (code, value) in enumerate([("C1", 2), ("C2", 1), ("C3", 3)], start=1):
        day = today() - datetime.timedelta(days=back)
        for unit in (code, streets[code], "D1"):
            DailyFigure.objects.update_or_create(
                unit=world.unit(unit),
                date=day,
                metric="alerts.fever_reports",
                defaults={"value": value},
            )
    return world


def test_community_staff_confirm_the_days_report_from_home_in_one_tap(
    live_server, phone, world_with_history
):
    world = world_with_history
    taps = start_at_home(phone, live_server, "community_staff")
    card = phone.locator("[data-testid=home-daily]")
    card.wait_for()
    assert card.locator("[data-testid=daily-not-confirmed]").count() == 1
    taps.tap("[data-testid=home-daily] [data-testid=daily-confirm]")
    phone.locator("[data-testid=home-daily-confirmed]").wait_for()
    assert taps.count <= CONFIRM_TAPS
    report = DailyReport.objects.get(unit=world.community, date=today())
    assert report.confirmed_by == world.community_staff

    # The street officer: home is the street's board; its daily report shows C1 confirmed
    # and C2 missing; the trend charts of the street open from there.
    start_at_home(phone, live_server, "street_officer")
    phone.locator("[data-testid=board-daily-link]").click()
    phone.wait_for_url(f"**/reports/daily/{world.street.pk}/")
    confirmed = phone.locator("[data-testid=daily-community-confirmed]")
    missing = phone.locator("[data-testid=daily-community-missing]")
    assert confirmed.all_inner_texts() and "光华社区" in confirmed.first.inner_text()
    assert missing.count() == 1 and "永安社区" in missing.first.inner_text()
    phone.locator("[data-testid=daily-board-link]").click()
    phone.wait_for_url(f"**/reports/boards/{world.street.pk}/**")
    phone.locator("[data-chart=epidemic] svg").first.wait_for()

    # The district officer: the district's chart, then down to a street by tapping.
    start_at_home(phone, live_server, "district_officer")
    phone.locator("[data-testid=board-trends-link]").click()
    phone.wait_for_url(f"**/reports/boards/{world.unit('D1').pk}/**")
    phone.locator("[data-chart=epidemic] svg").first.wait_for()
    table = phone.locator("[data-testid=table-epidemic]")
    assert "3" in table.inner_text()
    phone.locator("[data-testid=drill-down]", has_text="建国门街道").first.click()
    phone.wait_for_url(f"**/reports/boards/{world.street.pk}/**")
