import re

import pytest

from shoumen.accounts.models import User
from shoumen.audit.models import AuditEvent
from shoumen.registry.models import Person
from tests.personas import ID_SHAN, PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def journey_world(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    return Person.objects.get(name="单明")


def test_grid_worker_finds_person_by_initials_and_reveals_id_with_reason(
    live_server, phone, journey_world
):
    shan = journey_world
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "grid_worker")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")

    phone.fill("input[name=q]", "sm")
    phone.press("input[name=q]", "Enter")
    phone.wait_for_url(re.compile(r"/search/\?r="))  # the terms are kept out of the URL
    phone.click(f"[data-testid=results] a[href='/persons/{shan.pk}/']")
    phone.wait_for_url(f"{live_server.url}/persons/{shan.pk}/")

    masked = phone.locator("[data-testid=masked]").first
    assert masked.inner_text() == shan.id_number_masked
    assert ID_SHAN not in phone.content()

    phone.click("[data-testid=reveal-id_number]")
    phone.click("#reveal-id_number button[type=submit]")
    phone.locator("#reveal-id_number [data-testid=field-error]").wait_for()
    assert ID_SHAN not in phone.content()

    phone.fill("#reason-id_number", "核对疫苗接种登记")
    phone.click("#reveal-id_number button[type=submit]")
    revealed = phone.locator("[data-testid=revealed-id_number]")
    revealed.wait_for()
    assert revealed.inner_text() == ID_SHAN

    phone.click("[data-testid=history-link]")
    phone.wait_for_url(f"{live_server.url}/persons/{shan.pk}/history/")
    event = phone.locator("[data-testid=history] li[data-action='person.reveal.id_number']")
    assert event.count() == 1
    assert "核对疫苗接种登记" in event.inner_text()
    assert AuditEvent.objects.filter(
        action="person.reveal.id_number", target_id=str(shan.pk), reason="核对疫苗接种登记"
    ).exists()
