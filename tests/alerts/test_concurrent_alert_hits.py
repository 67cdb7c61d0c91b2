"""Eight fever hits on one person at the same moment, with no alert open yet: one alert is
opened (one audit event, one notification) and it counts eight hits."""

import pytest
from django.db import transaction

from shoumen.alerts.models import Alert, Cause, Notification
from shoumen.alerts.services import alert_raise
from shoumen.audit.models import AuditEvent
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_hits_at_once_open_one_alert_that_counts_eight():
    world = world_for_threads()
    person = world.neighbour

    def hit(i):
        with transaction.atomic():
            alert, created = alert_raise(
                person=person, cause=Cause.FEVER, details={"temperature": f"38.{i}"}
            )
        return created

    assert sorted(at_once(hit)) == [False] * (COPIES - 1) + [True]
    alert = Alert.objects.get(person=person, cause=Cause.FEVER)
    assert alert.hits == COPIES
    assert AuditEvent.objects.filter(action="alert.raise", target_id=str(alert.pk)).count() == 1
    assert Notification.objects.filter(alert=alert).count() == 1
