"""On a phone: a sick call no one can cover alone. Community staff call it in, tap
"re-solve around the absence", see the one other shift that moves and apply it: three
taps, and the roster keeps every rule."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.accounts.models import User
from shoumen.duty.checker import violations
from shoumen.duty.models import Resolve, ResolveStatus
from shoumen.duty.problem import problem_of_roster, roster_specs
from tests.browser.test_home_journeys import start_at_home
from tests.duty.conftest import NOW
from tests.duty.resolve_rows import TUESDAY, small_roster
from tests.personas import World, build_world

pytestmark = pytest.mark.browser

RESOLVE_TAPS = 3
SOLVING = 60_000  # ms: the re-solve runs inside the request here (the immediate task backend)


@pytest.fixture
def world_now(transactional_db, settings) -> World:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return World()


def test_a_sick_call_no_one_can_cover_is_re_solved_in_three_taps(live_server, phone, world_now):
    with time_machine.travel(NOW, tick=True):
        small = small_roster(world_now)
        thursday = TUESDAY + datetime.timedelta(days=2)
        row = small.roster.assignments.get(person=small.people["A"], date=thursday, shift__code="D")
        taps = start_at_home(phone, live_server, "community_staff")
        phone.goto(f"{live_server.url}{reverse('duty:sick_call', args=[row.pk])}")
        taps.tap("[data-testid=sick-button]")
        phone.locator("[data-testid=sick-nobody]").wait_for()
        taps.tap("[data-testid=sick-resolve-button]")
        phone.locator("[data-testid=resolve-changes]").wait_for(timeout=SOLVING)
        assert phone.locator("[data-testid=resolve-change]").count() == 2
        taps.tap("[data-testid=resolve-apply]")
        phone.locator("[data-testid=resolve-applied]").wait_for()

    assert taps.count <= RESOLVE_TAPS
    assert Resolve.objects.get().status == ResolveStatus.APPLIED
    roster = small.roster
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []
