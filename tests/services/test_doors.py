"""A request comes by one of three doors: a call taken by a worker, a household visit, the
resident's own link. Each is audited and replay-safe."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.services.models import Door, Kind, RequestStatus, ServiceRequest
from shoumen.services.rules import ERR_NOTE_ID
from tests.services.helpers import NOW, call_request, link_url, visit, visit_task

pytestmark = pytest.mark.django_db


def test_a_call_taken_by_the_grid_worker_makes_a_request_due_by_its_urgency(world):
    with time_machine.travel(NOW, tick=False):
        urgent = call_request(world, urgency="urgent", note="降压药")
        normal = call_request(world, urgency="normal")
        today = call_request(world, urgency="today")
    assert urgent.door == Door.CALL and urgent.status == RequestStatus.NEW
    assert urgent.grid == world.grid_a and urgent.community == world.community
    assert urgent.household == world.household_a
    assert urgent.due_at == NOW + datetime.timedelta(hours=2)
    assert normal.due_at == NOW + datetime.timedelta(hours=24)
    assert today.due_at.astimezone(NOW.tzinfo).date() == NOW.date()
    assert today.due_at.astimezone(NOW.tzinfo).hour == 23
    event = AuditEvent.objects.get(action="service_request.create", target_id=str(urgent.pk))
    assert event.changes["door"] == "call" and "降压药" not in str(event.changes)


def test_a_replayed_call_returns_the_first_request(world):
    key = uuid.uuid4()
    first = call_request(world, client_uuid=key)
    again = call_request(world, client_uuid=key)
    assert again.pk == first.pk and ServiceRequest.objects.count() == 1


def test_another_call_under_a_used_client_uuid_is_refused(world):
    key = uuid.uuid4()
    call_request(world, client_uuid=key)
    with pytest.raises(ValidationError) as caught:
        call_request(world, client_uuid=key, kind="medicine")
    assert "client_uuid" in caught.value.message_dict
    assert ServiceRequest.objects.count() == 1


def test_the_neighbouring_grid_worker_cannot_take_a_call_for_grid_a(world):
    with pytest.raises(PermissionDenied):
        call_request(world, actor=world.neighbour_worker)
    assert not ServiceRequest.objects.exists()


def test_a_note_holding_an_id_number_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        call_request(world, note="身份证 110105 19850307 0019 的药")
    assert caught.value.message_dict == {"note": [str(ERR_NOTE_ID)]}
    assert not ServiceRequest.objects.exists()


def test_bad_kind_and_urgency_are_refused_with_both_errors(world):
    with pytest.raises(ValidationError) as caught:
        call_request(world, kind="pizza", urgency="soon")
    assert set(caught.value.message_dict) == {"kind", "urgency"}


def test_a_visit_with_a_kind_chosen_makes_a_request_with_the_visits_words(world):
    with time_machine.travel(NOW, tick=False):
        task = visit_task(world)
        key = uuid.uuid4()
        v, created = visit(
            world,
            task,
            service_need="需要买降压药",
            extras={"services": {"kind": "medicine", "urgency": "today"}},
            client_uuid=key,
        )
        again, created_again = visit(
            world,
            task,
            service_need="需要买降压药",
            extras={"services": {"kind": "medicine", "urgency": "today"}},
            client_uuid=key,
        )
    req = ServiceRequest.objects.get()
    assert created and not created_again and again.pk == v.pk
    assert (req.door, req.kind, req.urgency) == (Door.VISIT, Kind.MEDICINE, "today")
    assert req.visit == v and req.household == world.household_a and req.person is None
    assert req.note == "需要买降压药" and req.created_by == world.grid_worker


def test_a_visit_with_a_need_but_no_kind_asks_for_other_help(world):
    with time_machine.travel(NOW, tick=False):
        visit(world, visit_task(world), service_need="帮忙倒垃圾", extras={"services": {}})
    req = ServiceRequest.objects.get()
    assert req.kind == Kind.OTHER and req.note == "帮忙倒垃圾"


def test_a_visit_with_no_need_makes_no_request(world):
    with time_machine.travel(NOW, tick=False):
        visit(world, visit_task(world), extras={"services": {"kind": "", "urgency": "normal"}})
    assert not ServiceRequest.objects.exists()


def test_a_visit_with_an_unknown_kind_is_refused_whole(world):
    from shoumen.screening.models import Visit

    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as caught:
        visit(world, visit_task(world), extras={"services": {"kind": "pizza"}})
    assert "extras.services.kind" in caught.value.message_dict
    assert not Visit.objects.exists() and not ServiceRequest.objects.exists()


def test_the_visit_form_offers_the_kind_of_help(world, login):
    from django.urls import reverse

    with time_machine.travel(NOW, tick=False):
        task = visit_task(world)
        page = login(world.grid_worker).get(reverse("screening:visit_new", args=[task.pk]))
    html = page.content.decode()
    assert 'name="services_kind"' in html and 'name="services_urgency"' in html


def test_the_resident_asks_for_help_through_their_link(world, client):
    url = link_url(world)
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="help-ask"' in page.content.decode()
    response = client.post(
        url,
        {
            "section": "services",
            "action": "ask",
            "help-kind": "groceries",
            "help-urgency": "today",
            "help-note": "米和油",
            "help-client_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    req = ServiceRequest.objects.get()
    assert (req.door, req.person, req.note) == (Door.SELF_REPORT, world.shan, "米和油")
    assert req.created_by is None
    event = AuditEvent.objects.get(action="service_request.create")
    assert event.actor is None and event.actor_label.startswith("self-report link")
    shown = client.get(url).content.decode()
    assert 'data-testid="help-request"' in shown


def test_a_bad_request_on_the_link_shows_the_errors_and_writes_nothing(world, client):
    url = link_url(world)
    response = client.post(
        url,
        {
            "section": "services",
            "action": "ask",
            "help-kind": "",
            "help-urgency": "today",
            "help-note": "身份证110105198503070019",
            "help-client_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_a_forged_link_gets_the_invalid_page_and_asks_nothing(world, client):
    response = client.post("/r/forged:token/", {"section": "services", "help-kind": "groceries"})
    assert response.status_code == 404 and not ServiceRequest.objects.exists()
