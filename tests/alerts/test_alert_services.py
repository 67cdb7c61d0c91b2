import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.alerts.models import Alert, AlertRules, AlertStatus, Cause, Notification, Outcome
from shoumen.alerts.rules import report_hits, slot_deadline
from shoumen.alerts.services import (
    ERR_ALREADY_RESOLVED,
    ERR_OUTCOME_REQUIRED,
    alert_acknowledge,
    alert_raise,
    alert_resolve,
)
from shoumen.observation.models import HealthReport, Slot, Source

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def report(**values):
    return HealthReport(
        date=NOW.date(), slot=Slot.MORNING, source=Source.SELF, client_uuid=uuid.uuid4(), **values
    )


@pytest.mark.parametrize(
    ("values", "causes"),
    [
        ({"temperature": Decimal("37.2")}, []),
        ({"temperature": Decimal("37.3")}, [Cause.FEVER]),
        ({"fever": True}, [Cause.FEVER]),
        ({"temperature": Decimal("38.0"), "cough": True}, [Cause.ILI]),
        ({"temperature": Decimal("38.0"), "sore_throat": True}, [Cause.ILI]),
        ({"temperature": Decimal("37.9"), "cough": True}, [Cause.FEVER]),
        ({"short_of_breath": True}, [Cause.RED_FLAG]),
        (
            {"temperature": Decimal("39.0"), "cough": True, "short_of_breath": True},
            [Cause.ILI, Cause.RED_FLAG],
        ),
    ],
)
def test_report_rules(values, causes):
    assert [hit.cause for hit in report_hits(report(**values), AlertRules())] == causes


def test_thresholds_come_from_the_editable_rules():
    rules = AlertRules(fever_temperature=Decimal("37.5"))
    assert report_hits(report(temperature=Decimal("37.4")), rules) == []


def test_slot_deadlines_follow_the_rules():
    rules = AlertRules(morning_deadline=datetime.time(9, 30))
    assert slot_deadline(rules, NOW.date(), Slot.MORNING) == NOW.replace(minute=30)


def raise_fever(world, **kw):
    return alert_raise(person=world.shan, cause=Cause.FEVER, details={"temperature": "37.8"}, **kw)


def test_a_repeat_updates_the_open_alert_instead_of_adding_one(world):
    first, created = raise_fever(world)
    again, created_again = raise_fever(world)
    assert (created, created_again, again.pk, again.hits) == (True, False, first.pk, 2)
    assert Alert.objects.count() == 1


def test_a_new_alert_notifies_its_owner_and_is_due_in_two_hours(world):
    alert, _ = raise_fever(world)
    assert alert.owner == world.grid_worker
    assert alert.due_at == NOW + datetime.timedelta(hours=2)
    assert Notification.objects.filter(recipient=world.grid_worker, alert=alert).count() == 1


def test_after_resolution_the_same_cause_opens_a_new_alert(world):
    alert, _ = raise_fever(world)
    alert_resolve(actor=world.grid_worker, alert=alert, outcome=Outcome.FALSE_READING)
    second, created = raise_fever(world)
    assert created and second.pk != alert.pk


def test_acknowledge_then_resolve_with_an_outcome(world):
    alert, _ = raise_fever(world)
    alert = alert_acknowledge(actor=world.community_staff, alert=alert)
    assert (alert.status, alert.acknowledged_by) == (
        AlertStatus.ACKNOWLEDGED,
        world.community_staff,
    )
    with pytest.raises(ValidationError) as exc:
        alert_resolve(actor=world.community_staff, alert=alert, outcome="")
    assert exc.value.message_dict == {"outcome": [str(ERR_OUTCOME_REQUIRED)]}
    alert = alert_resolve(
        actor=world.community_staff, alert=alert, outcome=Outcome.FEVER_CLINIC, note="已送发热门诊"
    )
    assert (alert.status, alert.outcome, alert.outcome_note) == (
        AlertStatus.RESOLVED,
        Outcome.FEVER_CLINIC,
        "已送发热门诊",
    )
    with pytest.raises(ValidationError) as exc:
        alert_acknowledge(actor=world.community_staff, alert=alert)
    assert exc.value.messages == [str(ERR_ALREADY_RESOLVED)]


def test_a_neighbouring_worker_cannot_handle_the_alert(world):
    alert, _ = raise_fever(world)
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=world.neighbour_worker, alert=alert)
