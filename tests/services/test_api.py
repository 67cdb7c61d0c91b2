"""The service requests API: scoped, 201 then 200 on replay, 422 with the field's error."""

import uuid

import pytest

from shoumen.services.models import RequestStatus, ServiceRequest
from tests.services.helpers import volunteer_of

pytestmark = pytest.mark.django_db


def _ask(world, **kw):
    return {"person": world.shan.pk, "kind": "medicine", "urgency": "urgent", **kw}


def test_a_request_is_made_once_and_a_replay_answers_200(world, api):
    client = api(world.grid_worker)
    body = _ask(world, client_uuid=str(uuid.uuid4()), note="降压药")
    first = client.post("/service-requests", body)
    again = client.post("/service-requests", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["person_name"] == "单*" and first.json()["door"] == "call"
    assert ServiceRequest.objects.count() == 1


def test_another_request_under_a_used_client_uuid_is_a_422(world, api):
    client = api(world.grid_worker)
    key = str(uuid.uuid4())
    assert client.post("/service-requests", _ask(world, client_uuid=key)).status_code == 201
    other = client.post("/service-requests", _ask(world, client_uuid=key, kind="groceries"))
    assert other.status_code == 422 and "client_uuid" in other.json()["errors"]
    assert ServiceRequest.objects.get().kind == "medicine"


def test_a_bad_kind_is_a_422_naming_the_field(world, api):
    response = api(world.grid_worker).post("/service-requests", _ask(world, kind="pizza"))
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    assert not ServiceRequest.objects.exists()


def test_a_resident_out_of_scope_is_a_404(world, api):
    response = api(world.neighbour_worker).post("/service-requests", _ask(world))
    assert response.status_code == 404 and not ServiceRequest.objects.exists()


def test_assign_done_and_confirm_over_the_api(world, api):
    staff = api(world.grid_worker)
    pk = staff.post("/service-requests", _ask(world)).json()["id"]
    volunteer = volunteer_of(world)
    assigned = staff.post(f"/service-requests/{pk}/assign", {"volunteer": volunteer.pk})
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    done = api(world.volunteer).post(f"/service-requests/{pk}/done", {"note": "送到了"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api(world.volunteer).post(f"/service-requests/{pk}/confirm", {}).status_code == 403
    confirmed = staff.post(f"/service-requests/{pk}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert ServiceRequest.objects.get().status == RequestStatus.CONFIRMED


def test_assigning_nobody_is_a_422(world, api):
    staff = api(world.grid_worker)
    pk = staff.post("/service-requests", _ask(world)).json()["id"]
    response = staff.post(f"/service-requests/{pk}/assign", {})
    assert response.status_code == 422 and "volunteer" in response.json()["errors"]


def test_the_list_is_scoped_and_filtered(world, api):
    pk = api(world.grid_worker).post("/service-requests", _ask(world)).json()["id"]
    mine = api(world.grid_worker).get("/service-requests").json()
    theirs = api(world.neighbour_worker).get("/service-requests").json()
    assert [r["id"] for r in mine["items"]] == [pk] and theirs["count"] == 0
    assert api(world.grid_worker).get("/service-requests", status="nope").status_code == 422
    assert api(world.teacher).get("/service-requests").status_code == 403
