"""One fever rule at the gate for residents and visitors: the threshold of the alert rules
(37.3 °C by default). At or above it a visitor is refused with the warning a resident's
scan gets, and community staff get an alert and a notification; just below it both pass."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import ERROR, SUCCESS
from django.urls import reverse

from shoumen.alerts.models import Alert, AlertRules, Cause, Notification
from shoumen.alerts.rules import current_rules
from shoumen.checkpoints.models import Checkpoint, Verdict, VerdictReason, Visitor
from shoumen.checkpoints.services import pass_check, pass_issue, pass_token

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


def _form(world, temperature):
    return {
        "client_uuid": str(uuid.uuid4()),
        "name": "访客甲",
        "phone": "139 1234 5678",
        "building": world.building_a.pk,
        "unit": "2",
        "door_number": "301",
        "visiting": "",
        "reason": "探望老人",
        "temperature": temperature,
    }


def test_the_fever_threshold_is_the_alert_rules_one():
    assert current_rules().fever_temperature == Decimal("37.3")


def test_a_visitor_at_the_threshold_is_refused_and_community_staff_are_notified(
    world, client, gate
):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    response = client.post(url, _form(world, "37.3"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="visitor-refused"' in page
    assert 'data-testid="visitor-registered"' not in page
    assert str(VerdictReason.FEVER.label) in page and str(Verdict.DENY.label) in page
    visitor = Visitor.objects.get()  # kept for tracing
    alert = Alert.objects.get(details__visitor=visitor.pk)
    assert (alert.cause, alert.owner, alert.grid, alert.person) == (
        Cause.FEVER,
        world.community_staff,
        world.community,
        None,
    )
    assert alert.details["temperature"] == "37.3"
    note = Notification.objects.get(alert=alert)
    assert note.recipient == world.community_staff
    assert "访客甲" not in note.title  # the inbox names a visitor masked


def test_a_visitor_just_below_the_threshold_is_registered(world, client, gate):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    page = client.post(url, _form(world, "37.2")).content.decode()
    assert 'data-testid="visitor-registered"' in page
    assert 'data-testid="visitor-refused"' not in page
    assert not Alert.objects.exists()


def test_a_resident_is_refused_at_the_threshold_and_let_through_just_below(world, gate):
    token = pass_token(pass_issue(actor=world.grid_worker, person=world.shan))
    below = pass_check(token=token, checkpoint=gate, temperature=Decimal("37.2"))
    at = pass_check(token=token, checkpoint=gate, temperature=Decimal("37.3"))
    assert below.verdict == Verdict.ALLOW
    assert (at.verdict, at.reason) == (Verdict.DENY, VerdictReason.FEVER)


def test_the_volunteer_registering_a_feverish_visitor_is_told_to_refuse_them(world, login, gate):
    client = login(world.volunteer)
    url = reverse("checkpoints:visitor_new", args=[gate.pk])
    response = client.post(url, _form(world, "37.9"), follow=True)
    (message,) = list(response.context["messages"])
    assert message.level == ERROR
    assert str(VerdictReason.FEVER.label) in message.message
    assert Alert.objects.filter(cause=Cause.FEVER, owner=world.community_staff).count() == 1
    calm = client.post(url, _form(world, "36.6"), follow=True)
    assert [m.level for m in calm.context["messages"]] == [SUCCESS]


def test_a_raised_threshold_lets_the_same_visitor_in(world, client, gate):
    AlertRules.objects.update_or_create(id=1, defaults={"fever_temperature": Decimal("37.5")})
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    page = client.post(url, _form(world, "37.3")).content.decode()
    assert 'data-testid="visitor-registered"' in page
    assert not Alert.objects.exists()


def test_community_staff_find_the_visitors_fever_alert_with_its_post(world, client, login, gate):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    client.post(url, _form(world, "38.0"))
    alert = Alert.objects.get(cause=Cause.FEVER)
    staff = login(world.community_staff)
    listed = staff.get(reverse("alerts:list")).content.decode()
    assert "北门" in listed
    page = staff.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert 'data-testid="alert-visitor"' in page
    assert reverse("checkpoints:visitors", args=[gate.pk]) in page
    assert "38.0" in page
