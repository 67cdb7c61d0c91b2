"""Calling a person in one tap: the responsible worker (or an alert's owner) gets a tel:
link, the call is audited as a contact with no reason; anyone else is refused."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.alerts.models import Alert, AlertStatus, Cause
from shoumen.audit.models import AuditEvent
from shoumen.observation.calls import ERR_NOT_YOURS_TO_CALL
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from tests.personas import PHONE_SHAN

TZ = datetime.timezone(datetime.timedelta(hours=8))
MORNING = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
JSON = {"HTTP_ACCEPT": "application/json"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def observe(world, person):
    return observation_start(
        actor=world.admin_user, person=person, kind=Kind.HOME_MONITORING, reason=Reason.OTHER
    )


def call(client, person, **extra):
    return client.post(reverse("observation:call"), {"person": person.pk}, **extra)


def test_responsible_worker_calls_in_one_tap_and_the_call_is_audited(world, login):
    observe(world, world.shan)
    client = login(world.grid_worker)

    response = call(client, world.shan)

    assert response.status_code == 302
    assert response["Location"] == f"tel:+86{PHONE_SHAN}"
    event = AuditEvent.objects.get(action="person.call")
    assert event.actor == world.grid_worker and event.reason == ""
    assert event.target_id == str(world.shan.pk)
    assert PHONE_SHAN not in str(event.changes)


def test_call_answers_json_for_the_page_script_and_is_never_cached(world, login):
    observe(world, world.shan)
    response = call(login(world.grid_worker), world.shan, **JSON)

    assert response.json() == {"href": f"tel:+86{PHONE_SHAN}"}
    assert "no-store" in response["Cache-Control"]


def test_phone_number_is_not_in_the_call_url_or_the_page(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    page = client.get(reverse("observation:today")).content.decode()

    assert 'data-testid="tap-call"' in page
    assert PHONE_SHAN not in page
    assert PHONE_SHAN not in reverse("observation:call")
    detail = client.get(reverse("observation:detail", args=[obs.pk])).content.decode()
    assert 'data-testid="tap-call"' in detail and PHONE_SHAN not in detail


def test_staff_who_is_not_responsible_gets_no_call_button_and_is_refused(world, login):
    observe(world, world.shan)
    client = login(world.community_staff)
    page = client.get(reverse("observation:today")).content.decode()

    response = call(client, world.shan, **JSON)

    assert 'data-testid="tap-call"' not in page
    assert response.status_code == 403
    assert response.json() == {"error": str(ERR_NOT_YOURS_TO_CALL)}
    assert not AuditEvent.objects.filter(action="person.call").exists()


def test_call_out_of_scope_is_404(world, login):
    observe(world, world.shan)
    response = call(login(world.neighbour_worker), world.shan)
    assert response.status_code == 404


def test_alert_owner_gets_the_call_button_on_the_alert_page(world, login):
    alert = Alert.objects.create(
        person=world.shan,
        grid=world.grid_a,
        cause=Cause.FEVER,
        status=AlertStatus.OPEN,
        owner=world.community_staff,
        opened_at=MORNING,
        due_at=MORNING + datetime.timedelta(hours=2),
        last_seen_at=MORNING,
    )
    client = login(world.community_staff)

    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    response = call(client, world.shan)

    assert 'data-testid="tap-call"' in page
    assert response["Location"] == f"tel:+86{PHONE_SHAN}"
    other = login(world.grid_worker).get(reverse("alerts:detail", args=[alert.pk]))
    assert 'data-testid="tap-call"' not in other.content.decode()


def test_responsible_worker_gets_the_call_button_on_the_person_page(world, login):
    observe(world, world.shan)
    page = login(world.grid_worker).get(reverse("registry:person", args=[world.shan.pk]))
    html = page.content.decode()

    assert 'data-testid="tap-call"' in html
    assert PHONE_SHAN not in html


def test_others_get_no_call_button_on_the_person_page(world, login):
    observe(world, world.shan)
    page = login(world.community_staff).get(reverse("registry:person", args=[world.shan.pk]))

    assert 'data-testid="tap-call"' not in page.content.decode()
