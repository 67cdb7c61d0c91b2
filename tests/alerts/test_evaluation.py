import datetime

import pytest
import time_machine

from shoumen.alerts.evaluation import TITLE_OPENED, alerts_evaluate
from shoumen.alerts.models import Alert, AlertRules, AlertStatus, Cause, Notification
from shoumen.alerts.rules import current_rules
from shoumen.alerts.services import alert_acknowledge
from shoumen.audit.models import AuditEvent
from shoumen.observation.models import Kind, Slot
from tests.alerts.helpers import DAY, at, not_reached, observe, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def observed(world):
    """单明 and 曾丽 under observation since 08:00; the grid worker is responsible."""
    with time_machine.travel(at(8), tick=False):
        return observe(world, world.shan), observe(world, world.zeng)


def evaluate(when):
    with time_machine.travel(when, tick=False):
        return alerts_evaluate(now=when)


def open_alerts(cause):
    return Alert.objects.filter(cause=cause, status__in=["open", "acknowledged"])


def test_no_alert_before_the_morning_deadline(observed):
    evaluate(at(9, 59))
    assert not Alert.objects.exists()


def test_a_missing_morning_report_raises_non_reporting_owned_by_the_responsible(world, observed):
    with time_machine.travel(at(9), tick=False):
        report(world, world.zeng)
    evaluate(at(10, 5))
    alert = open_alerts(Cause.NON_REPORTING).get()
    assert alert.person == world.shan
    assert alert.owner == world.grid_worker
    assert alert.observation == observed[0]
    assert alert.due_at == at(10, 5) + datetime.timedelta(minutes=120)
    assert alert.details == {"date": DAY.isoformat(), "slot": Slot.MORNING}
    note = Notification.objects.get(recipient=world.grid_worker)
    assert note.title == str(
        TITLE_OPENED % {"count": 1, "cause": Cause.NON_REPORTING.label, "due": "12:05"}
    )
    assert "12:05" in note.title


def test_due_time_follows_the_rules(world, observed):
    AlertRules.objects.update_or_create(id=1, defaults={"non_reporting_due_minutes": 30})
    evaluate(at(10, 5))
    alert = open_alerts(Cause.NON_REPORTING).filter(person=world.shan).get()
    assert alert.due_at == at(10, 35)


def test_running_again_for_the_same_slot_changes_nothing(world, observed):
    evaluate(at(10, 5))
    evaluate(at(10, 10))
    alert = open_alerts(Cause.NON_REPORTING).get(person=world.shan)
    assert alert.hits == 1
    assert alert.last_seen_at == at(10, 5)
    assert Notification.objects.count() == 1


def test_a_second_missed_slot_updates_the_one_open_alert(world, observed):
    evaluate(at(10, 5))
    evaluate(at(16, 5))
    alerts = open_alerts(Cause.NON_REPORTING).filter(person=world.shan)
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.hits == 2
    assert alert.last_seen_at == at(16, 5)
    assert alert.details["slot"] == Slot.AFTERNOON
    assert Notification.objects.count() == 1  # the 10:05 message; nothing new at 16:05


def test_an_acknowledged_alert_is_updated_not_duplicated(world, observed):
    evaluate(at(10, 5))
    alert = open_alerts(Cause.NON_REPORTING).get(person=world.shan)
    alert_acknowledge(actor=world.grid_worker, alert=alert)
    evaluate(at(16, 5))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.hits == 2
    assert open_alerts(Cause.NON_REPORTING).filter(person=world.shan).count() == 1


def test_reported_persons_get_no_alert(world, observed):
    with time_machine.travel(at(9), tick=False):
        report(world, world.shan)
        report(world, world.zeng)
    evaluate(at(10, 5))
    assert not open_alerts(Cause.NON_REPORTING).exists()


def test_an_observation_started_after_the_deadline_owes_nothing_for_that_slot(world):
    with time_machine.travel(at(11), tick=False):
        observe(world, world.shan)
    evaluate(at(11, 5))
    assert not Alert.objects.exists()
    evaluate(at(16, 5))
    assert open_alerts(Cause.NON_REPORTING).get().details["slot"] == Slot.AFTERNOON


def test_a_person_with_two_kinds_of_observation_gets_one_alert(world):
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan)
        observe(world, world.shan, kind=Kind.ROUTINE_MONITORING)
    evaluate(at(10, 5))
    assert open_alerts(Cause.NON_REPORTING).count() == 1


def test_persons_not_under_observation_are_not_evaluated(world, observed):
    evaluate(at(10, 5))
    assert not Alert.objects.filter(person=world.neighbour).exists()


def test_each_owner_gets_one_message_for_the_alerts_of_a_run(world, observed):
    evaluate(at(10, 5))
    note = Notification.objects.get()
    assert note.recipient == world.grid_worker
    assert note.title == str(
        TITLE_OPENED % {"count": 2, "cause": Cause.NON_REPORTING.label, "due": "12:05"}
    )
    assert "单明" not in note.title


def test_each_run_that_opens_alerts_is_audited_once(world, observed):
    evaluate(at(10, 5))
    event = AuditEvent.objects.get(action="alerts.evaluate")
    assert event.changes["opened"] == 2
    assert event.changes["cause"] == Cause.NON_REPORTING
    assert event.actor is None


def test_lost_contact_after_two_days_not_reached(world):
    yesterday = DAY - datetime.timedelta(days=1)
    with time_machine.travel(at(8, day=yesterday), tick=False):
        observe(world, world.shan)
        observe(world, world.zeng)
        not_reached(world, world.shan, day=yesterday)
        not_reached(world, world.zeng, day=yesterday)
    with time_machine.travel(at(9), tick=False):
        not_reached(world, world.shan)
        not_reached(world, world.zeng)
        # 曾丽 answered her own self-report in the afternoon: she is in contact.
        report(world, world.zeng, slot=Slot.AFTERNOON, source="self", reached=None)
    evaluate(at(9, 30))
    alert = open_alerts(Cause.LOST_CONTACT).get()
    assert alert.person == world.shan
    assert alert.owner == world.grid_worker
    assert alert.due_at == at(9, 30) + datetime.timedelta(minutes=240)


def test_one_day_not_reached_is_not_lost_contact(world):
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan)
        not_reached(world, world.shan)
    evaluate(at(9, 30))
    assert not open_alerts(Cause.LOST_CONTACT).exists()


def test_lost_contact_days_come_from_the_rules(world):
    rules = current_rules()
    rules.lost_contact_days = 1
    rules.save()
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan)
        not_reached(world, world.shan)
    evaluate(at(9, 30))
    evaluate(at(9, 45))
    alert = open_alerts(Cause.LOST_CONTACT).get()
    assert alert.hits == 1


def test_release_check_on_the_last_day(world):
    start = DAY - datetime.timedelta(days=6)
    with time_machine.travel(at(8, day=start), tick=False):
        observe(world, world.shan, period_days=7)
        observe(world, world.zeng, period_days=8)
    evaluate(at(8))
    alert = open_alerts(Cause.RELEASE_CHECK).get()
    assert alert.person == world.shan
    assert alert.details == {"ends_on": DAY.isoformat()}
    assert alert.due_at == at(8) + datetime.timedelta(minutes=480)
