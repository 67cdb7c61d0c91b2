"""On a phone: a resident scans the community's QR code, signs up as a volunteer without a
login; the community's staff find the sign-up waiting and approve it."""

import pytest

from shoumen.accounts.models import User
from shoumen.registry.models import Volunteer, VolunteerStatus
from shoumen.services.volunteer_selectors import sign_up_key
from tests.browser.test_home_journeys import start_at_home
from tests.personas import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def c1(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return World().community


def test_a_resident_signs_up_by_qr_code_and_staff_approve(live_server, phone, c1):  # noqa: F811
    phone.goto(f"{live_server.url}/volunteers/join/{sign_up_key(c1)}/")
    phone.fill("#id_name", "张晓")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_birth_year", "1991")
    phone.check("input[name=teams][value=residents]")
    phone.check("input[name=weekdays][value='5']")
    phone.check("input[name=times_of_day][value=morning]")
    phone.check("#id_consent")
    phone.click("[data-testid=sign-up-submit]")
    phone.locator("[data-testid=sign-up-done]").wait_for()
    volunteer = Volunteer.objects.get(name="张晓")
    assert volunteer.status == VolunteerStatus.PENDING

    taps = start_at_home(phone, live_server, "community_staff")
    phone.goto(f"{live_server.url}/volunteers/unit/{c1.pk}/")
    taps.tap("[data-testid=pending-notice] a")
    taps.tap("[data-testid=volunteer-row] a")
    taps.tap("[data-testid=approve]")
    phone.wait_for_url(f"{live_server.url}/volunteers/{volunteer.pk}/")
    phone.locator("[data-testid=hours]").wait_for()
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED
