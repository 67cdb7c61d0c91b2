"""On phones: a resident scans team A's QR code, says who they are with their name and ID
number, signs up themself and their mother; the family doctor sees both awaiting on the
team's list and confirms each in one tap."""

import pytest

from shoumen.accounts.models import User
from shoumen.healthcentre.models import Contract, ContractStatus
from tests.personas import ID_SHAN, PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def health_world(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="family_doctor").exists():
        build_world()


def test_a_household_signs_up_by_qr_and_the_doctor_confirms(live_server, phone, health_world):
    phone.goto(f"{live_server.url}/health/join/team-a-token/")
    phone.fill("#id_name", "单明")
    phone.fill("#id_id_number", ID_SHAN)
    phone.click("[data-testid=join-identify] button[type=submit]")
    sign = phone.locator("[data-testid=join-sign]")
    sign.wait_for()
    # The household's residents, masked; the resident is ticked, the mother ticked too.
    assert "单明" not in sign.inner_text()
    phone.locator("input[name=members]").nth(1).check()
    phone.click("[data-testid=join-submit]")
    assert phone.locator("[data-testid=join-ok]").count() == 2
    assert Contract.objects.filter(status=ContractStatus.PENDING).count() == 2

    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "family_doctor")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/health/contracts/?status=pending")
    for _ in range(2):
        phone.locator("[data-testid=confirm-one-tap]").first.click()
        phone.wait_for_load_state()
    assert phone.locator("[data-testid=confirm-one-tap]").count() == 0
    assert Contract.objects.filter(status=ContractStatus.ACTIVE).count() == 2
