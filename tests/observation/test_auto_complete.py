import datetime
from decimal import Decimal

import pytest
import time_machine

from shoumen.alerts.evaluation import alerts_evaluate
from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.alerts.services import alert_raise, alert_resolve
from shoumen.audit.models import AuditEvent
from shoumen.observation.completion import observations_auto_complete
from shoumen.observation.models import ObservationStatus, Slot
from tests.alerts.helpers import DAY, at, observe, report

pytestmark = pytest.mark.django_db

START = DAY - datetime.timedelta(days=6)  # a 7-day period ends on DAY


@pytest.fixture
def ending_today(world):
    with time_machine.travel(at(8, day=START), tick=False):
        return observe(world, world.shan, period_days=7)


def complete(when):
    with time_machine.travel(when, tick=False):
        return observations_auto_complete(now=when)


def test_an_ended_period_completes_the_next_day(ending_today):
    assert complete(at(15, day=DAY)) == 0
    assert complete(at(0, 20, day=DAY + datetime.timedelta(days=1))) == 1
    ending_today.refresh_from_db()
    assert ending_today.status == ObservationStatus.COMPLETED
    event = AuditEvent.objects.get(action="observation.completed")
    assert event.target_id == str(ending_today.pk)
    assert event.actor is None and event.actor_label == "observation schedule"


def test_on_the_last_day_a_normal_afternoon_check_completes_after_the_deadline(world, ending_today):
    with time_machine.travel(at(15, day=DAY), tick=False):
        report(world, world.shan, slot=Slot.AFTERNOON)
    assert complete(at(15, 30)) == 0  # before the afternoon deadline
    assert complete(at(16, 20)) == 1


def test_on_the_last_day_without_the_last_check_it_waits(world, ending_today):
    with time_machine.travel(at(9, day=DAY), tick=False):
        report(world, world.shan, slot=Slot.MORNING)
        report(world, world.shan, slot=Slot.AFTERNOON, temperature=Decimal("37.1"), cough=True)
    assert complete(at(16, 20)) == 0
    ending_today.refresh_from_db()
    assert ending_today.status == ObservationStatus.ACTIVE


def test_an_open_fever_alert_keeps_the_person_under_observation(world, ending_today):
    with time_machine.travel(at(9, day=DAY), tick=False):
        report(world, world.shan, temperature=Decimal("37.8"))
    assert Alert.objects.filter(cause=Cause.FEVER, status=AlertStatus.OPEN).exists()
    assert complete(at(0, 20, day=DAY + datetime.timedelta(days=2))) == 0
    fever = Alert.objects.get(cause=Cause.FEVER)
    alert_resolve(actor=world.grid_worker, alert=fever, outcome=Outcome.FALSE_READING)
    assert complete(at(0, 20, day=DAY + datetime.timedelta(days=2))) == 1


def test_a_non_reporting_alert_does_not_hold_completion(world, ending_today):
    with time_machine.travel(at(10, 5, day=DAY), tick=False):
        alerts_evaluate(now=at(10, 5, day=DAY))
    assert Alert.objects.filter(cause=Cause.NON_REPORTING).exists()
    assert complete(at(0, 20, day=DAY + datetime.timedelta(days=1))) == 1


def test_completion_resolves_the_release_check_as_released(world, ending_today):
    with time_machine.travel(at(8, day=DAY), tick=False):
        alerts_evaluate(now=at(8, day=DAY))
    release = Alert.objects.get(cause=Cause.RELEASE_CHECK)
    complete(at(0, 20, day=DAY + datetime.timedelta(days=1)))
    release.refresh_from_db()
    assert release.status == AlertStatus.RESOLVED
    assert release.outcome == Outcome.RELEASED


def test_other_persons_and_finished_observations_are_left_alone(world, ending_today):
    with time_machine.travel(at(8, day=START), tick=False):
        longer = observe(world, world.zeng, period_days=14)
    alert_raise(person=world.neighbour, cause=Cause.FEVER, details={})
    assert complete(at(0, 20, day=DAY + datetime.timedelta(days=1))) == 1
    assert complete(at(0, 30, day=DAY + datetime.timedelta(days=1))) == 0
    longer.refresh_from_db()
    assert longer.status == ObservationStatus.ACTIVE
