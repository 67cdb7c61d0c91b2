"""On a phone: community staff draw this week's roster from their home and publish it; the
checkpoint volunteer finds the shift under way on their home, opens their shifts and checks
in; a sick call at the monitoring point gets a replacement in two taps."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.duty.checker import violations
from shoumen.duty.models import (
    Assignment,
    AssignmentSource,
    CheckIn,
    DutyPerson,
    Post,
    Roster,
    RosterStatus,
)
from shoumen.duty.problem import problem_of_roster, roster_specs
from tests.browser.test_home_journeys import Taps, start_at_home
from tests.duty.conftest import Duty, build_duty
from tests.personas import World, build_world

pytestmark = pytest.mark.browser

SICK_CALL_TAPS = 2
SOLVING = 60_000  # ms: the solve runs inside the request here (the immediate task backend)


def _this_morning() -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(timezone.localdate(), datetime.time(10), tz)


@pytest.fixture
def c1_duty(transactional_db, settings) -> Duty:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return build_duty(World())


def _pin_the_volunteer_this_morning(gate: Post, volunteer: DutyPerson) -> None:
    """Staff fixed the volunteer to today's day shift at the gate by hand in an earlier draft:
    the roster drawn now keeps it."""
    day = timezone.localdate()
    draft = Roster.objects.create(
        community=gate.community, starts_on=day, ends_on=day, status=RosterStatus.SOLVED
    )
    shift = gate.shifts.get(code="D")
    starts = datetime.datetime.combine(day, shift.start, timezone.get_current_timezone())
    Assignment.objects.create(
        roster=draft,
        shift=shift,
        date=day,
        person=volunteer,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        fixed=True,
    )


def test_a_week_drawn_and_published_then_checked_in_and_a_sick_call_covered(
    live_server, phone, c1_duty
):
    world, gate, volunteer = World(), c1_duty.gate, c1_duty.volunteer
    with time_machine.travel(_this_morning(), tick=True):
        _pin_the_volunteer_this_morning(gate, volunteer)

        # Community staff: home → their community's duty → draw this week → publish.
        start_at_home(phone, live_server, "community_staff")
        phone.locator("[data-testid=home-duty]").click()
        phone.wait_for_url(f"**/duty/unit/{world.community.pk}/")
        phone.check("input[name=period][value=this_week]")
        phone.fill("#id_time_limit_seconds", "10")
        phone.locator("[data-testid=roster-solve-submit]").click()
        phone.wait_for_url("**/duty/rosters/*/", timeout=SOLVING)
        phone.locator("[data-testid=roster-table]").wait_for(timeout=SOLVING)
        phone.locator("[data-testid=roster-publish]").click()
        phone.locator("[data-status=published]").wait_for()
        roster = Roster.objects.get(status=RosterStatus.PUBLISHED)
        assert roster.starts_on.weekday() == 0 and roster.days == 7
        assert violations(problem_of_roster(roster), roster_specs(roster)) == []

        # The volunteer: the shift under way is on home; one tap to their shifts, one to
        # check in.
        start_at_home(phone, live_server, "volunteer")
        now_card = phone.locator("[data-testid=home-my-duty-now]")
        assert "北门卡点" in now_card.inner_text()
        phone.locator("[data-testid=home-my-duty]").click()
        phone.wait_for_url("**/duty/me/")
        phone.locator("[data-testid=check-in-button]").click()
        phone.locator("[data-testid=checked-in]").wait_for()
        assert CheckIn.objects.filter(assignment__person=volunteer, kind="in").count() == 1

        # A sick call at the monitoring point: from today's list, two taps to a cover.
        start_at_home(phone, live_server, "community_staff")
        phone.locator("[data-testid=home-duty]").click()
        post_now = phone.locator("[data-testid=on-duty-post]", has_text="24小时监测点")
        sick = post_now.locator("[data-testid=on-duty-now] [data-testid=on-duty-person]").first
        name = sick.inner_text()
        sick.click()
        phone.wait_for_url("**/duty/shifts/*/sick/")
        taps = Taps(phone)
        taps.tap("[data-testid=sick-button]")
        taps.tap("[data-testid=sick-cover] >> nth=0")
        phone.locator("[data-testid=sick-covered]").wait_for()

    assert taps.count <= SICK_CALL_TAPS
    absent = Assignment.objects.get(roster=roster, absent=True)
    assert absent.person.name == name and absent.shift.post == c1_duty.monitoring
    cover = Assignment.objects.get(roster=roster, source=AssignmentSource.COVER)
    assert (cover.shift, cover.date) == (absent.shift, absent.date)
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []
