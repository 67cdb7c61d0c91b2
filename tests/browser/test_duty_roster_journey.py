"""On a phone: community staff open their duty home, find a roster being solved, watch
its progress refresh by itself until the roster is solved, see the table scroll sideways,
and publish it in one tap."""

import datetime

import pytest
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.duty.models import Roster, RosterStatus
from shoumen.lib.dates import today
from tests.browser.test_home_journeys import start_at_home
from tests.duty.conftest import Duty, build_duty
from tests.duty.roster_helpers import written
from tests.personas import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def c1_duty(transactional_db) -> Duty:
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return build_duty(World())


def test_staff_watch_a_roster_being_solved_and_publish_it(live_server, phone, c1_duty):
    day = today()
    roster = written(c1_duty, start=day, end=day + datetime.timedelta(days=6))
    Roster.objects.filter(pk=roster.pk).update(
        status=RosterStatus.SOLVING,
        progress=[{"objective": 80, "bound": 10, "seconds": 1.5}],
    )
    start_at_home(phone, live_server, "community_staff")
    phone.goto(f"{live_server.url}/duty/unit/{c1_duty.community.pk}/")
    phone.locator("[data-testid=roster-item]").first.click()
    phone.locator("[data-testid=roster-progress]").wait_for()
    assert phone.locator("[data-testid=progress-found]").inner_text() == "1"

    # The worker finds the roster: the page notices within a poll and shows the table.
    Roster.objects.filter(pk=roster.pk).update(
        status=RosterStatus.SOLVED, updated_at=timezone.now()
    )
    phone.locator("[data-testid=roster-table]").wait_for(timeout=20_000)
    scroller = phone.locator(".roster-scroll")
    widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] > widths[1], "the week scrolls sideways inside its box"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.locator("[data-testid=roster-publish]").click()
    phone.locator("[data-status=published]").wait_for()
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED
