"""The volunteers API: a scoped list with phones masked; adding a volunteer answers 201,
the same client_uuid again 200 with the same volunteer, a taken phone 422 with a clear
error on the phone; 403 for a role that manages volunteers nowhere, 404 out of scope."""

import uuid

import pytest

from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import ERR_PHONE_TAKEN
from tests.api.conftest import ApiClient
from tests.volunteers.helpers import PHONE, register, sign_up

pytestmark = pytest.mark.django_db


def _api(user) -> ApiClient:
    from shoumen.accounts.services import api_token_create

    return ApiClient(api_token_create(actor=None, user=user)[1])


def _body(**kw):
    return {
        "community": "C1",
        "name": "李红",
        "phone": PHONE,
        "teams": ["medical"],
        "skills": ["driving"],
        "is_party_member": True,
        **kw,
    }


def test_the_list_is_scoped_and_masks_phones(world):
    register(world, phone=PHONE, teams=["party"])
    sign_up(world, name="丙", phone="13600000003")
    response = _api(world.community_staff).get("/volunteers")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert {i["phone"] for i in data["items"]} == {"139****5678", "136****0003"}
    assert PHONE not in response.content.decode()
    pending = _api(world.community_staff).get("/volunteers", unit="C1", status="pending")
    assert [i["name"] for i in pending.json()["items"]] == ["丙"]
    assert _api(world.outsider).get("/volunteers").json()["count"] == 0
    assert _api(world.outsider).get("/volunteers", unit="C1").status_code == 404
    assert _api(world.grid_worker).get("/volunteers").status_code == 403


def test_adding_answers_201_and_a_replay_200_with_the_same_volunteer(world):
    api = _api(world.community_staff)
    key = str(uuid.uuid4())
    first = api.post("/volunteers", _body(client_uuid=key))
    assert first.status_code == 201, first.content
    again = api.post("/volunteers", _body(client_uuid=key))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["phone"] == "139****5678"
    assert first.json()["status"] == "approved"
    assert Volunteer.objects.count() == 1


def test_a_taken_phone_is_a_422_naming_the_phone(world):
    register(world, phone=PHONE)
    response = _api(world.community_staff).post("/volunteers", _body(name="别人"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"phone": [str(ERR_PHONE_TAKEN)]}
    assert Volunteer.objects.count() == 1


def test_an_unknown_team_is_a_422(world):
    response = _api(world.community_staff).post("/volunteers", _body(teams=["pirates"]))
    assert response.status_code == 422
    assert not Volunteer.objects.exists()


def test_adding_in_another_street_is_404_and_for_a_grid_worker_403(world):
    assert _api(world.outsider).post("/volunteers", _body()).status_code == 404
    assert _api(world.grid_worker).post("/volunteers", _body()).status_code == 403
    assert not Volunteer.objects.exists()


def test_a_client_uuid_of_another_volunteer_is_refused(world):
    api = _api(world.community_staff)
    key = str(uuid.uuid4())
    api.post("/volunteers", _body(client_uuid=key))
    response = api.post("/volunteers", _body(client_uuid=key, name="另一人", phone="13600001111"))
    assert response.status_code == 422
    assert "client_uuid" in response.json()["errors"]
    assert Volunteer.objects.count() == 1
