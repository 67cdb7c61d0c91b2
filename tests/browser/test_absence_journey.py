"""On a phone: the school doctor opens an illness absence, calls the guardian in one tap
(the number never in a URL), records the day's follow-up with the diagnosis, and gives
the guardian their link; the guardian reports the next sick day through it."""

import pytest

from shoumen.accounts.models import User
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.schools.diseases import diseases_ensure
from shoumen.schools.models import Absence, AbsenceFollowUp, Pupil
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_follow_up_journey import log_in
from tests.personas import build_world
from tests.schools.test_absence_world import GUARDIAN_PHONE, add_guardian

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
def absence(transactional_db):
    if not User.objects.filter(username="school_doctor").exists():
        build_world()
    diseases_ensure()  # flushed by an earlier transactional test
    pupil = Pupil.objects.select_related("klass", "school").get(name="张小明")
    add_guardian(pupil)
    return Absence.objects.create(
        pupil=pupil, klass=pupil.klass, school=pupil.school, first_day=today(), symptoms=["fever"]
    )


def test_doctor_calls_the_guardian_records_the_follow_up_and_gives_the_link(
    live_server,
    phone,  # noqa: F811 (the browser fixture imported above)
    absence,
):
    urls: list[str] = []
    phone.on("request", lambda request: urls.append(request.url))
    phone.add_init_script(DIALLER)
    log_in(phone, live_server, "school_doctor")
    phone.goto(f"{live_server.url}/schools/absences/")
    phone.click("[data-testid=absence-row]")
    phone.locator("[data-testid=pupil-name]").wait_for()

    with phone.expect_response(lambda r: r.url.endswith("/call/")) as answer:
        phone.click("[data-testid=tap-call]")
    assert answer.value.json() == {"href": f"tel:{GUARDIAN_PHONE}"}
    phone.wait_for_function("window.dialled")
    assert AuditEvent.objects.filter(action="guardian.call").count() == 1

    phone.select_option("#id_course", "same")
    phone.select_option("#id_disease", "varicella")
    phone.fill("#id_note", "发热38.5℃，皮疹")
    phone.click("[data-testid=follow-up-form] button[type=submit]")
    phone.locator("[data-testid=follow-ups] li[data-date]").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "absence_detail_phone.png"), full_page=True)
    assert AbsenceFollowUp.objects.get(absence=absence).course == "same"
    assert Pupil.objects.get(name="张小明").return_pending is True

    phone.click("[data-testid=guardian-link]")
    phone.click("[data-testid=issue]")
    link_url = phone.locator("[data-testid=link-url]").inner_text()
    assert not any(GUARDIAN_PHONE in url for url in urls if url.startswith("http"))

    phone.context.clear_cookies()
    phone.goto(link_url)
    phone.locator("[data-testid=pupil]").wait_for()
    assert "张**" in phone.locator("[data-testid=pupil]").inner_text()
    phone.screenshot(path=str(ARTIFACTS / "guardian_page_phone.png"), full_page=True)
