"""A volunteer at the north gate loses the network, keeps scanning, and syncs once it is back.

The camera cannot be driven headless: tokens go in through ``shoumenScan.submitToken``, the
same path a decoded QR takes."""

import pytest

from shoumen.accounts.models import User
from shoumen.checkpoints.models import Checkpoint, Pass, Scan
from shoumen.checkpoints.services import pass_issue, pass_revoke, pass_token
from shoumen.lib.dates import today
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Building, Person
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser

CACHED = """async () => {
  for (let i = 0; i < 100; i++) {
    if (navigator.serviceWorker.controller && (await caches.match(location.pathname))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}"""


@pytest.fixture
def gate(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    for name in ("单明", "曾丽", "王刚"):
        pass_issue(actor=admin, person=Person.objects.get(name=name))
    return Checkpoint.objects.create(community=OrgUnit.objects.get(code="C1"), name="北门")


def _token(name: str) -> str:
    return pass_token(Pass.objects.get(person__name=name))


def _log_in(phone, live_server, gate):
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "volunteer")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/checkpoints/{gate.pk}/scan/")
    phone.evaluate("() => window.shoumenScan.ready")


def _scan(phone, token: str, temperature: str = "36.5") -> dict:
    result = phone.evaluate("t => window.shoumenScan.submitToken(t)", token)
    phone.click(f"[data-temperature='{temperature}']")
    return result


def test_scans_made_offline_sync_once_and_the_one_revoked_meanwhile_is_flagged(
    live_server, phone, gate
):
    tokens = [_token(name) for name in ("单明", "曾丽", "王刚")]
    _log_in(phone, live_server, gate)
    assert phone.evaluate(CACHED) is True
    phone.context.set_offline(True)
    # The service worker serves the page and its assets with no network.
    phone.reload()
    phone.evaluate("() => window.shoumenScan.ready")
    assert phone.locator("[data-testid=network]").get_attribute("data-state") == "offline"
    assert phone.locator("[data-testid=list-age]").get_attribute("data-minutes") == "0"

    admin = User.objects.get(username="admin_user")
    pass_revoke(actor=admin, pass_=Pass.objects.get(person__name="曾丽"), reason="冒用他人证件")

    shown = []
    for count, token in enumerate(tokens, start=1):
        result = _scan(phone, token)
        shown.append((result["verdict"], result["display_name"]))
        verdict = phone.locator("[data-testid=verdict]")
        assert verdict.get_attribute("data-offline") == "1"
        phone.wait_for_selector(f"[data-testid=pending][data-count='{count}']")
    # The phone had not heard of the revocation: it let all three through.
    assert shown == [("allow", "单*"), ("allow", "曾*"), ("allow", "王*")]
    assert Scan.objects.count() == 0

    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=status][data-state=flagged]")
    phone.wait_for_selector("[data-testid=pending][data-count='0']", state="attached")
    assert "1" in phone.locator("[data-testid=status]").inner_text()

    phone.click("[data-testid=sync-button]")
    phone.evaluate("() => window.shoumenScan.sync()")
    scans = {s.person.name: s for s in Scan.objects.select_related("person")}
    assert len(scans) == Scan.objects.count() == 3
    assert {name: (s.offline, s.verdict, s.flagged) for name, s in scans.items()} == {
        "单明": (True, "allow", False),
        "曾丽": (True, "allow", True),
        "王刚": (True, "allow", False),
    }


def test_offline_the_phone_refuses_another_building_and_tells_isolation_from_revocation(
    live_server, phone, gate
):
    """The gate lets 5号楼 through only: 王刚 of 7号楼 is refused offline as online, and
    曾丽, isolated at home, is shown as under isolation rather than merely revoked."""
    admin = User.objects.get(username="admin_user")
    gate.buildings.set([Building.objects.get(name="5号楼")])
    observation_start(
        actor=admin,
        person=Person.objects.get(name="曾丽"),
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=today(),
    )
    names = ("单明", "曾丽", "王刚")
    tokens = [_token(name) for name in names]
    _log_in(phone, live_server, gate)
    phone.context.set_offline(True)

    shown = {}
    for count, (name, token) in enumerate(zip(names, tokens, strict=True), start=1):
        result = _scan(phone, token)
        shown[name] = (result["verdict"], result["reason"])
        assert phone.locator("[data-testid=verdict]").get_attribute("data-offline") == "1"
        phone.wait_for_selector(f"[data-testid=pending][data-count='{count}']")
    assert shown == {
        "单明": ("allow", "ok"),
        "曾丽": ("deny", "isolation"),
        "王刚": ("deny", "building"),
    }

    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=pending][data-count='0']", state="attached")
    phone.evaluate("() => window.shoumenScan.sync()")
    # The server, deciding again on sync, gives the same reasons and flags nothing.
    scans = {
        s.person.name: (s.verdict, s.reason, s.flagged)
        for s in Scan.objects.select_related("person")
    }
    assert scans == {name: (*shown[name], False) for name in names}


def test_a_resident_without_their_pass_is_found_by_door_and_checked_online(
    live_server, phone, gate
):
    _log_in(phone, live_server, gate)
    phone.click("[data-testid=lookup] summary")
    phone.fill("[data-lookup=door] input[name=building]", "5号楼")
    phone.fill("[data-lookup=door] input[name=door]", "301")
    phone.click("[data-lookup=door] button")
    candidates = phone.locator("[data-testid=candidate]")
    candidates.first.wait_for()
    assert candidates.first.inner_text().startswith("单*")
    assert "单明" not in phone.content()
    candidates.first.click()
    verdict = phone.locator("[data-testid=verdict][data-verdict=allow]")
    verdict.wait_for()
    assert verdict.get_attribute("data-offline") == "0"
    phone.click("[data-testid=temperature-other]")
    phone.fill("[data-testid=temperature-form] input", "38.2")
    phone.click("[data-testid=temperature-form] button")
    phone.wait_for_selector("[data-testid=verdict][data-reason=fever]")
    scan = Scan.objects.get()
    assert (scan.person.name, scan.offline, scan.verdict, scan.reason, str(scan.temperature)) == (
        "单明",
        False,
        "deny",
        "fever",
        "38.2",
    )
