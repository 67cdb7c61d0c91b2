"""On a phone: the grid worker calls a key person from Today in one tap (the call is
audited, the number never in a URL), records the result in one more tap, and undoes a
mistaken Normal."""

import pytest

from shoumen.accounts.models import User
from shoumen.audit.models import AuditEvent
from shoumen.observation.models import HealthReport, Kind, Reason
from shoumen.observation.services import observation_start
from shoumen.registry.models import Person
from tests.browser.test_follow_up_journey import log_in
from tests.personas import PHONE_SHAN, build_world

pytestmark = pytest.mark.browser

DIALLER = """
document.addEventListener("click", function (event) {
  var link = event.target;
  if (link.matches && link.matches("a[data-call-link]")) {
    event.preventDefault();
    window.dialled = link.href;
  }
}, true);
"""


@pytest.fixture
def observed(transactional_db):
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    return observation_start(
        actor=admin,
        person=Person.objects.get(name="单明"),
        kind=Kind.HOME_MONITORING,
        reason=Reason.OTHER,
    )


def test_worker_calls_from_today_then_records_the_result_in_one_more_tap(
    live_server, phone, observed
):
    urls: list[str] = []
    phone.on("request", lambda request: urls.append(request.url))
    # The phone's dialler is not there: the test keeps the tel: link the page opens.
    phone.add_init_script(DIALLER)
    log_in(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/today/")
    row = f"#today-row-{observed.pk}"

    # Tap 1: call. The script records it and opens the tel: link.
    with phone.expect_response(lambda r: r.url.endswith("/today/call/")) as answer:
        phone.click(f"{row} [data-testid=tap-call]")
    assert answer.value.json() == {"href": f"tel:+86{PHONE_SHAN}"}
    phone.locator(f"{row}.called").wait_for()
    assert phone.evaluate("window.dialled") == f"tel:+86{PHONE_SHAN}"
    event = AuditEvent.objects.get(action="person.call")
    assert event.target_id == str(observed.person_id) and event.reason == ""

    # Tap 2: the result, reached and well.
    phone.click(f"{row} [data-testid=tap-normal]")
    phone.locator(f"{row}[data-state='2']").wait_for()
    assert HealthReport.objects.get(person_id=observed.person_id).reached is True

    # A mistake: undo within the window.
    phone.click(f"{row} [data-testid=tap-undo]")
    phone.locator(f"{row} [data-testid=tap-normal]").wait_for()
    assert not HealthReport.objects.filter(person_id=observed.person_id).exists()
    assert AuditEvent.objects.filter(action="health_report.withdraw").count() == 1
    assert not any(PHONE_SHAN in url for url in urls if url.startswith("http"))
