import pytest
import time_machine

from shoumen.alerts.digest import digests_send
from shoumen.alerts.models import Cause, Notification
from shoumen.alerts.services import alert_raise
from shoumen.audit.models import AuditEvent
from tests.alerts.helpers import at, observe, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_in_progress(world):
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan)
        observe(world, world.zeng)
        observe(world, world.outsider_person)  # the other street
        report(world, world.shan)
        alert_raise(person=world.zeng, cause=Cause.FEVER, details={})  # due 10:00


def test_officials_get_counts_of_their_own_jurisdiction(world, day_in_progress):
    with time_machine.travel(at(16, 30), tick=False):
        digests = {d.user_id: d for d in digests_send(now=at(16, 30))}
    street = digests[world.street_officer.pk]
    assert (street.active, street.persons, street.reported) == (2, 2, 1)
    assert (street.open_alerts, street.overdue_alerts) == (1, 1)
    assert street.rate == "50%"
    district = digests[world.district_officer.pk]
    assert (district.active, district.persons) == (3, 3)
    outsider = digests[world.outsider.pk]
    assert (outsider.active, outsider.open_alerts) == (1, 0)


def test_the_digest_goes_to_officials_only_and_names_nobody(world, day_in_progress):
    with time_machine.travel(at(16, 30), tick=False):
        digests_send(now=at(16, 30))
    recipients = set(
        Notification.objects.filter(alert__isnull=True).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"street_officer", "district_officer", "outsider"}
    note = Notification.objects.get(recipient=world.street_officer, alert__isnull=True)
    assert "1" in note.body and "50%" in note.body
    assert "单明" not in note.body and "曾丽" not in note.body
    assert AuditEvent.objects.get(action="digest.send").changes["recipients"] == 3
