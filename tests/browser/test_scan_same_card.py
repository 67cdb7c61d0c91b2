"""The card still in front of the camera after its scan is recorded is not read again: the
scan page ignores the same pass for a few seconds after it was last seen, and while its
scan waits for a temperature. Another card is read at once.

The camera cannot be driven headless: decoded frames go in through
``shoumenScan.cameraRead``, the function the camera loop calls for each decoded QR."""

import pytest

from shoumen.accounts.models import User
from shoumen.checkpoints.models import Checkpoint, Pass, Scan
from shoumen.checkpoints.services import pass_issue, pass_token
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser

NOTE_SET = "() => document.querySelector('[data-testid=verdict-note]').textContent !== ''"


@pytest.fixture
def gate(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    for name in ("单明", "曾丽"):
        pass_issue(actor=admin, person=Person.objects.get(name=name))
    return Checkpoint.objects.create(community=OrgUnit.objects.get(code="C1"), name="北门")


def _open_scan_page(phone, live_server, gate):
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "volunteer")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/checkpoints/{gate.pk}/scan/")
    phone.evaluate("() => window.shoumenScan.ready")


def _frame(phone, token: str) -> bool:
    """The camera decodes ``token`` in a frame: whether a scan started."""
    return phone.evaluate("t => window.shoumenScan.cameraRead(t)", token)


def test_the_card_left_in_front_of_the_camera_is_not_recorded_twice(live_server, phone, gate):
    shan = pass_token(Pass.objects.get(person__name="单明"))
    zeng = pass_token(Pass.objects.get(person__name="曾丽"))
    _open_scan_page(phone, live_server, gate)
    temperature = phone.locator("[data-testid=temperature]")

    assert _frame(phone, shan) is True
    temperature.wait_for(state="visible")
    # The next frames still show the card: the scan waiting for its temperature stays.
    assert [_frame(phone, shan) for _ in range(5)] == [False] * 5

    phone.click("[data-temperature='36.5']")
    phone.wait_for_function(NOTE_SET)
    assert Scan.objects.filter(checkpoint=gate).count() == 1
    assert temperature.is_hidden()
    # Half a second later the card is still in front of the restarted camera.
    phone.wait_for_timeout(500)
    assert _frame(phone, shan) is False
    assert temperature.is_hidden()
    assert Scan.objects.filter(checkpoint=gate).count() == 1

    # The next resident's card is read at once.
    assert _frame(phone, zeng) is True
    temperature.wait_for(state="visible")


def test_the_same_card_is_read_again_once_out_of_sight_for_the_cooldown(live_server, phone, gate):
    _open_scan_page(phone, live_server, gate)
    decide = "([t, now, pending, last]) => window.shoumenScan.isNewCard(t, now, pending, last)"
    cooldown = phone.evaluate("() => window.shoumenScan.sameCardMs")
    assert 1000 <= cooldown <= 10000
    last = {"token": "A", "at": 10_000}
    assert phone.evaluate(decide, ["A", 10_000 + cooldown - 1, None, last]) is False
    assert phone.evaluate(decide, ["A", 10_000 + cooldown, None, last]) is True
    assert phone.evaluate(decide, ["B", 10_001, None, last]) is True
    # While its scan waits for a temperature, the same card is never read again.
    assert phone.evaluate(decide, ["A", 10_000 + 10 * cooldown, "A", last]) is False
    assert phone.evaluate(decide, ["A", 0, None, None]) is True
