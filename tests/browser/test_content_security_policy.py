"""Pages work under the Content-Security-Policy: no script, style or request is refused."""

import pytest

from shoumen.accounts.models import User
from shoumen.checkpoints.models import Checkpoint
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def shan(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    return Person.objects.get(name="单明")


def _refusals(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def _log_in(phone, live_server, username):
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def test_a_grid_workers_pages_run_under_the_policy(live_server, phone, shan):
    refused = _refusals(phone)
    _log_in(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/persons/{shan.pk}/")
    phone.click("[data-testid=reveal-id_number]")
    phone.fill("#reason-id_number", "核对疫苗接种登记")
    phone.click("#reveal-id_number button[type=submit]")  # an htmx request
    phone.locator("[data-testid=revealed-id_number]").wait_for()
    assert refused == []


def test_the_scan_page_runs_under_the_policy(live_server, phone, shan):
    gate = Checkpoint.objects.create(community=OrgUnit.objects.get(code="C1"), name="北门")
    refused = _refusals(phone)
    _log_in(phone, live_server, "volunteer")
    phone.goto(f"{live_server.url}/checkpoints/{gate.pk}/scan/")
    phone.evaluate("() => window.shoumenScan.ready")
    phone.click("[data-testid=lookup] summary")
    phone.fill("[data-lookup=door] input[name=building]", "5号楼")
    phone.fill("[data-lookup=door] input[name=door]", "301")
    phone.click("[data-lookup=door] button")
    phone.locator("[data-testid=candidate]").first.wait_for()
    assert refused == []


def test_the_login_page_carries_the_policy(live_server, phone, transactional_db):
    response = phone.goto(f"{live_server.url}/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy


def test_the_api_docs_run_under_the_policy(live_server, phone, shan):
    refused = _refusals(phone)
    _log_in(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/api/v1/docs")
    phone.locator(".swagger-ui .opblock").first.wait_for()
    assert refused == []
