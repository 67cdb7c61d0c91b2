"""On a phone: a grid worker follows up two key persons from Today, one normal in one tap
and one with 38.6 °C and a cough, which raises an ILI alert that community staff then
acknowledge and resolve."""

import pytest

from shoumen.accounts.models import User
from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.observation.models import (
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    Source,
)
from shoumen.observation.services import observation_start
from shoumen.registry.models import Person
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def observed(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    return [
        observation_start(
            actor=admin,
            person=Person.objects.get(name=name),
            kind=Kind.HOME_MONITORING,
            reason=Reason.OTHER,
        )
        for name in ("单明", "曾丽")
    ]


def log_in(phone, live_server, username):
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def test_worker_follows_up_from_today_and_staff_resolve_the_ili_alert(live_server, phone, observed):
    shan, zeng = observed
    log_in(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/today/")

    # One tap: 单明 is well.
    shan_row = f"#today-row-{shan.pk}"
    phone.click(f"{shan_row} [data-testid=tap-normal]")
    phone.locator(f"{shan_row}[data-state='2']").wait_for()
    report = HealthReport.objects.get(person_id=shan.person_id)
    assert (report.source, report.reached, report.temperature) == (Source.WORKER_PHONE, True, None)
    assert phone.locator("[data-testid=count-done] .stat").inner_text() == "1"

    # Three taps: open the form (the temperature field takes the focus), cough, save.
    zeng_row = f"#today-row-{zeng.pk}"
    phone.click(f"{zeng_row} [data-testid=tap-temperature]")
    phone.locator(f"{zeng_row} [data-testid=temperature-form]").wait_for()
    phone.keyboard.type("38.6")
    phone.click(f"{zeng_row} [data-testid=symptom-cough]")
    phone.click(f"{zeng_row} [data-testid=save-temperature]")
    phone.locator(f"{zeng_row} [data-testid=row-alert][data-cause=ili]").wait_for()
    fever = HealthReport.objects.get(person_id=zeng.person_id)
    assert (str(fever.temperature), fever.cough) == ("38.6", True)
    alert = Alert.objects.get(person_id=zeng.person_id)
    assert (alert.cause, alert.status) == (Cause.ILI, AlertStatus.OPEN)

    # Community staff take it from the alert list.
    log_in(phone, live_server, "community_staff")
    phone.goto(f"{live_server.url}/alerts/")
    phone.click("[data-testid=alert-row][data-cause=ili]")
    phone.wait_for_url(f"{live_server.url}/alerts/{alert.pk}/")
    assert "38.6" in phone.locator("[data-testid=alert-details]").inner_text()
    phone.click("[data-testid=acknowledge]")
    phone.locator("[data-testid=alert-status][data-status=acknowledged]").wait_for()

    phone.select_option("[data-testid=resolve-form] select[name=outcome]", Outcome.FEVER_CLINIC)
    phone.fill("[data-testid=resolve-form] input[name=note]", "已陪同前往发热门诊")
    phone.click("[data-testid=resolve]")
    phone.locator("[data-testid=alert-status][data-status=resolved]").wait_for()

    alert.refresh_from_db()
    staff = User.objects.get(username="community_staff")
    assert (alert.status, alert.outcome, alert.acknowledged_by, alert.resolved_by) == (
        AlertStatus.RESOLVED,
        Outcome.FEVER_CLINIC,
        staff,
        staff,
    )
    assert alert.outcome_note == "已陪同前往发热门诊"
    # Sent to the fever clinic: her observation ended as sent to hospital in the same step
    # (the box is ticked by default); his goes on.
    zeng.refresh_from_db()
    assert zeng.status == ObservationStatus.HOSPITALISED
    assert list(Observation.objects.filter(status="active")) == [shan]
