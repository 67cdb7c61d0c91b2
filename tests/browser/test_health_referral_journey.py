"""On phones: a resident signs up with family doctor team A by scanning its QR code; the
team's doctor confirms, registers her from the registry's chronic-disease tag as a
hypertension patient and records a follow-up at 182/112, seeing "urgent referral" before
saving; the urgent-referral alert is on the alerts list at once. Fourteen days on, the
daily check makes her referral check due: she is in the patients list's "referral check
due" filter and the alert is raised."""

import datetime

import pytest
import time_machine

from shoumen.accounts.models import User
from shoumen.alerts.models import Alert, Cause
from shoumen.healthcentre.chronic_alerts import chronic_alerts_check
from shoumen.healthcentre.contract_services import contract_confirm
from shoumen.healthcentre.models import Contract, FollowUp, Patient
from shoumen.lib.dates import today
from tests.personas import ID_ZENG, PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def health_world(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="family_doctor").exists():
        build_world()


def _log_in(phone, live_server, username):
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def test_a_reading_of_182_112_refers_urgently_and_the_check_falls_due_in_two_weeks(
    live_server, phone, health_world
):
    # 1. 曾丽 scans team A's code and signs up, without logging in.
    phone.goto(f"{live_server.url}/health/join/team-a-token/")
    phone.fill("[name=name]", "曾丽")
    phone.fill("[name=id_number]", ID_ZENG)
    phone.click("[data-testid=join-identify] button[type=submit]")
    phone.locator("[data-testid=join-sign]").wait_for()
    phone.click("[data-testid=join-submit]")
    phone.locator("[data-testid=join-ok]").wait_for()
    contract = Contract.objects.get(person__name="曾丽")
    contract_confirm(actor=User.objects.get(username="family_doctor"), contract=contract)

    # 2. The doctor registers her from the list of residents tagged chronic.
    _log_in(phone, live_server, "family_doctor")
    phone.goto(f"{live_server.url}/health/patients/")
    phone.click("[data-testid=tagged]")
    phone.click("[data-testid=tagged-row]:has-text('曾丽') a")
    phone.select_option("select[name=disease]", "I10")
    phone.click("[data-testid=patient-submit]")
    phone.locator("[data-testid=plan]").wait_for()
    patient = Patient.objects.get(person__name="曾丽")
    assert patient.team.name == "光华一队"

    # 3. The follow-up at 182/112: "urgent referral" shows before saving.
    phone.click("[data-testid=record-follow-up]")
    phone.fill("[name=systolic]", "182")
    phone.fill("[name=diastolic]", "112")
    phone.locator("[name=diastolic]").blur()
    phone.locator("[data-testid=assessment-referral][data-value=urgent]").wait_for()
    assert FollowUp.objects.count() == 0
    phone.click("[data-testid=save]")
    phone.locator("[data-testid=referral]").wait_for()
    follow_up = FollowUp.objects.get()
    assert (follow_up.referral, follow_up.classification) == ("urgent", "unsatisfactory")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 4. The urgent-referral alert is on the doctor's alerts list at once.
    phone.goto(f"{live_server.url}/alerts/")
    phone.locator(
        f"[data-testid=alert-row][data-cause={Cause.HEALTH_URGENT_REFERRAL}][data-status=open]"
    ).wait_for()

    # 5. Fourteen days on, the daily check finds her referral check due.
    later = datetime.datetime.combine(
        today() + datetime.timedelta(days=14), datetime.time(7, 0)
    ).astimezone()
    with time_machine.travel(later, tick=True):
        assert chronic_alerts_check()["referral_checks"] == 1
        _log_in(phone, live_server, "family_doctor")
        phone.goto(f"{live_server.url}/health/patients/?referral_due=on")
        row = phone.locator("[data-testid=patient-row]:has-text('曾丽')")
        row.locator("[data-testid=referral-check]").wait_for()
        phone.goto(f"{live_server.url}/alerts/")
        phone.locator(
            f"[data-testid=alert-row][data-cause={Cause.HEALTH_REFERRAL_CHECK}]"
        ).wait_for()
    assert Alert.objects.filter(cause=Cause.HEALTH_REFERRAL_CHECK, person=patient.person).exists()
