"""Eight evaluations raising the same school alert at the same moment open one alert (one
audit event, one notification), never a 500 from the unique index."""

import pytest
from django.db import transaction

from shoumen.alerts.models import Alert, Cause, Notification
from shoumen.alerts.services import alert_raise_for_unit
from shoumen.audit.models import AuditEvent
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_raises_at_once_open_one_unit_alert():
    world = world_for_threads()
    unit = world.class_a.unit

    def hit(i):
        with transaction.atomic():
            _alert, created = alert_raise_for_unit(
                unit=unit,
                cause=Cause.SCHOOL_CLASS_CLUSTER,
                key="cluster",
                details={"count": 3},
                owner=world.school_doctor,
                due_minutes=24 * 60,
            )
        return created

    assert sorted(at_once(hit)) == [False] * (COPIES - 1) + [True]
    alert = Alert.objects.get(grid=unit, cause=Cause.SCHOOL_CLASS_CLUSTER)
    assert AuditEvent.objects.filter(action="alert.raise", target_id=str(alert.pk)).count() == 1
    assert Notification.objects.filter(alert=alert).count() == 1


def test_eight_sends_of_one_alert_s_report_at_once_send_one():
    from shoumen.schools.epidemic_services import epidemic_report_send
    from shoumen.schools.models import EpidemicReport

    world = world_for_threads()
    alert, _ = alert_raise_for_unit(
        unit=world.class_a.unit,
        cause=Cause.SCHOOL_HIGH_FEVER,
        key="pupil:concurrent",
        details={"count": 1, "pupils": [world.pupil("张小明").pk], "due_hours": 24},
        owner=world.school_doctor,
        due_minutes=24 * 60,
    )

    def send(i):
        _report, created = epidemic_report_send(
            actor=world.school_doctor, alert=alert, actions=["disinfection"]
        )
        return created

    assert sorted(at_once(send)) == [False] * (COPIES - 1) + [True]
    assert EpidemicReport.objects.filter(alert=alert).count() == 1
