"""A grid worker on a phone works through three households of a screening round: one
visited with a returnee found (an observation is started from the visit), one nobody
home, one refused; the coverage page then shows it."""

import datetime

import pytest

from shoumen.accounts.models import User
from shoumen.lib.dates import today
from shoumen.observation.models import Observation, Reason
from shoumen.places.models import OrgUnit
from shoumen.registry.household_services import household_create
from shoumen.registry.models import Building, Household, Person
from shoumen.registry.services import person_register
from shoumen.screening.models import TaskStatus, VisitTask
from shoumen.screening.services import round_create
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def screening_world(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    grid = OrgUnit.objects.get(code="G1")
    building = Building.objects.get(name="5号楼")
    second = household_create(
        actor=admin, grid=grid, building=building, unit="2", door_number="302"
    )
    person_register(actor=admin, household=second, name="周平", sex="M", document_type="none")
    third = household_create(actor=admin, grid=grid, building=building, unit="2", door_number="303")
    person_register(actor=admin, household=third, name="吴敏", sex="F", document_type="none")
    day = today()
    round_ = round_create(
        actor=User.objects.get(username="community_staff"),
        scope=grid,
        name="光华第一网格入户排查",
        starts_on=day,
        ends_on=day + datetime.timedelta(days=2),
    )
    first = Household.objects.get(grid=grid, door_number="301")
    return round_, [first, second, third]


def _open_household(phone, household):
    phone.click(f"[data-testid=task]:has-text('{household.door_number}') a")
    phone.locator("[data-testid=visit-form]").wait_for()


def test_grid_worker_works_through_three_households_and_coverage_shows_it(
    live_server, phone, screening_world
):
    round_, (first, second, third) = screening_world
    shan = Person.objects.get(name="单明")
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "grid_worker")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")

    phone.goto(f"{live_server.url}/screening/")
    phone.click(f"[data-testid=rounds] a:has-text('{round_.name}')")
    phone.click("[data-testid=my-tasks]")
    assert phone.locator("[data-testid=task]").count() == 3

    # 1. Visited: someone came back from a risk area; start an observation from the visit.
    _open_household(phone, first)
    assert "单明" in phone.content()  # their own grid: full names, as on person pages
    phone.check("input[name=outcome][value=visited]")
    phone.check("input[name=q_risk_travel][value=yes]")
    phone.fill("input[name=q_risk_area]", "某市某区")
    arrival = (today() - datetime.timedelta(days=2)).isoformat()
    phone.fill("input[name=q_arrival_date]", arrival)
    phone.check("input[name=q_symptoms][value=no]")
    phone.check(f"input[name=members_present][value='{shan.pk}']")
    phone.click("[data-testid=save-visit]")
    phone.locator("[data-testid=visit-summary]").wait_for()
    member = phone.locator(f"[data-testid=visit-members] [data-person='{shan.pk}']")
    member.locator("[data-testid=observe]").click()
    member = phone.locator(f"[data-testid=visit-members] [data-person='{shan.pk}']")
    member.locator("[data-testid=observed]").wait_for()
    obs = Observation.objects.get(person=shan)
    assert (obs.reason, obs.risk_area, obs.arrival_date.isoformat()) == (
        Reason.RISK_AREA,
        "某市某区",
        arrival,
    )

    # 2. Nobody home.
    phone.click("[data-testid=back-to-tasks]")
    _open_household(phone, second)
    phone.check("input[name=outcome][value=nobody_home]")
    phone.click("[data-testid=save-visit]")
    phone.locator("[data-testid=revisit]").wait_for()

    # 3. Refused.
    phone.click("[data-testid=back-to-tasks]")
    _open_household(phone, third)
    phone.check("input[name=outcome][value=refused]")
    phone.click("[data-testid=save-visit]")
    phone.locator("[data-testid=visit-summary]").wait_for()
    phone.click("[data-testid=back-to-tasks]")
    phone.locator("[data-testid=no-tasks]").wait_for()

    statuses = dict(VisitTask.objects.filter(round=round_).values_list("household", "status"))
    assert statuses == {
        first.pk: TaskStatus.VISITED,
        second.pk: TaskStatus.REVISIT,
        third.pk: TaskStatus.REFUSED,
    }

    phone.goto(f"{live_server.url}/screening/{round_.pk}/coverage/")
    total = phone.locator("[data-testid=coverage-total]")
    figures = {
        key: total.locator(f"[data-k={key}]").inner_text()
        for key in ("visited", "due", "revisit", "refused", "returnees")
    }
    assert figures == {"visited": "1", "due": "0", "revisit": "1", "refused": "1", "returnees": "1"}
    grid_row = phone.locator("[data-testid=coverage-grids] [data-testid=grid]")
    assert grid_row.count() == 1
    assert grid_row.locator("[data-testid=visited-of]").inner_text() == "1 / 3"
    # Fits a phone: nothing wider than the screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
