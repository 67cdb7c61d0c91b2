import datetime

import pytest
import time_machine

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.alerts.escalation import alerts_escalate
from shoumen.alerts.models import Alert, AlertRules, Cause, EscalationLevel, Notification
from shoumen.alerts.services import alert_acknowledge, alert_raise
from shoumen.audit.models import AuditEvent
from tests.alerts.helpers import at, observe

pytestmark = pytest.mark.django_db


@pytest.fixture
def fever(world):
    """A fever alert on 单明 opened at 09:00, due at 11:00 (fever: 2 hours)."""
    with time_machine.travel(at(9), tick=False):
        obs = observe(world, world.shan)
        alert, _ = alert_raise(
            person=world.shan, cause=Cause.FEVER, details={}, observation=obs, now=at(9)
        )
    return alert


def escalate(when):
    with time_machine.travel(when, tick=False):
        return alerts_escalate(now=when)


def test_a_fever_alert_is_due_in_two_hours_and_owned_by_the_worker(world, fever):
    assert fever.due_at == at(11)
    assert fever.owner == world.grid_worker
    assert fever.level == EscalationLevel.WORKER


def test_nothing_escalates_before_the_due_time(fever):
    escalate(at(10, 59))
    fever.refresh_from_db()
    assert fever.level == EscalationLevel.WORKER


def test_past_due_goes_to_community_staff(world, fever):
    second = User.objects.create(username="staff2")
    RoleAssignment.objects.create(user=second, role=Role.COMMUNITY_STAFF, org_unit=world.community)
    result = escalate(at(11, 1))
    fever.refresh_from_db()
    assert result.to_community == 1
    assert fever.level == EscalationLevel.COMMUNITY
    assert fever.owner == world.community_staff  # the earliest assigned
    assert fever.due_at == at(12)  # moved on by escalation_minutes (60)
    notified = set(Notification.objects.filter(alert=fever).values_list("recipient", flat=True))
    assert notified == {world.grid_worker.pk, world.community_staff.pk, second.pk}
    event = AuditEvent.objects.get(action="alert.escalate")
    assert event.changes["level"] == [0, 1]
    assert event.target_id == str(fever.pk)


def test_then_to_the_street_officer_after_escalation_minutes(world, fever):
    escalate(at(11, 1))
    escalate(at(11, 30))
    fever.refresh_from_db()
    assert fever.level == EscalationLevel.COMMUNITY
    result = escalate(at(12, 0))
    fever.refresh_from_db()
    assert result.to_street == 1
    assert fever.level == EscalationLevel.STREET
    assert fever.owner == world.street_officer
    assert fever.due_at == at(13)
    assert Notification.objects.filter(alert=fever, recipient=world.street_officer).exists()
    assert AuditEvent.objects.filter(action="alert.escalate").count() == 2


def test_one_step_per_run_even_when_long_overdue(fever):
    escalate(at(18))
    fever.refresh_from_db()
    assert fever.level == EscalationLevel.COMMUNITY


def test_the_escalation_step_follows_the_rules(fever):
    AlertRules.objects.filter(id=1).update(escalation_minutes=15)
    escalate(at(11, 1))
    fever.refresh_from_db()
    assert fever.due_at == at(11, 15)


def test_an_acknowledged_alert_does_not_escalate(world, fever):
    with time_machine.travel(at(10), tick=False):
        alert_acknowledge(actor=world.grid_worker, alert=fever)
    escalate(at(12))
    fever.refresh_from_db()
    assert fever.level == EscalationLevel.WORKER


def test_a_community_without_staff_leaves_the_alert_unowned(world):
    with time_machine.travel(at(9), tick=False):
        alert, _ = alert_raise(person=world.outsider_person, cause=Cause.FEVER, details={})
    escalate(at(11, 1))
    alert.refresh_from_db()
    assert alert.level == EscalationLevel.COMMUNITY
    assert alert.owner is None


def test_past_level_two_nothing_more_happens(fever):
    escalate(at(11, 1))
    escalate(at(12, 1))
    escalate(at(13, 1))
    fever.refresh_from_db()
    assert fever.level == EscalationLevel.STREET
    assert Alert.objects.get(pk=fever.pk).due_at == at(13) + datetime.timedelta(0)
