"""The contracts API: scoped lists, signing idempotent on client_uuid, confirm, renew,
end; officers 403, other communities 404."""

import uuid

import pytest

from shoumen.healthcentre.contract_services import contract_request, contract_sign
from shoumen.healthcentre.models import Contract
from tests.healthcentre.contracts.helpers import at

pytestmark = pytest.mark.django_db


def _sign(world, **kw):
    return {
        "client_uuid": str(uuid.uuid4()),
        "person": world.shan.pk,
        "team": world.team_a.pk,
        "packages": ["elderly"],
        **kw,
    }


def test_signing_is_idempotent_on_client_uuid(world, api):
    client = api(world.family_doctor)
    body = _sign(world)
    first = client.post("/health-centre/contracts", body)
    again = client.post("/health-centre/contracts", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["packages"] == ["basic", "elderly"]
    assert first.json()["person_name"] == "单*" and first.json()["status"] == "active"
    assert Contract.objects.count() == 1


def test_a_second_team_for_the_same_resident_is_a_422(world, api):
    client = api(world.centre_manager)
    assert client.post("/health-centre/contracts", _sign(world)).status_code == 201
    other = client.post("/health-centre/contracts", _sign(world, team=world.team_b.pk))
    assert other.status_code == 422 and "person" in other.json()["errors"]


def test_an_unknown_package_is_a_422(world, api):
    response = api(world.family_doctor).post(
        "/health-centre/contracts", _sign(world, packages=["spa"])
    )
    assert response.status_code == 422 and "packages" in response.json()["errors"]


def test_list_filters_and_scope(world, api, c3_doctor):
    contract_request(team=world.team_a, person=world.shan)
    contract_sign(actor=world.family_doctor, person=world.zeng, team=world.team_a)
    doctor = api(world.family_doctor)
    assert doctor.get("/health-centre/contracts").json()["count"] == 2
    pending = doctor.get("/health-centre/contracts", status="pending").json()
    assert [c["person"] for c in pending["items"]] == [world.shan.pk]
    refused = doctor.get("/health-centre/contracts", status="nope")
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["status"]
    assert api(c3_doctor).get("/health-centre/contracts").json()["count"] == 0
    assert api(world.street_officer).get("/health-centre/contracts").status_code == 403


def test_confirm_renew_and_end(world, api):
    with at("2026-03-15"):
        pending, _ = contract_request(team=world.team_a, person=world.shan)
        confirmed = api(world.family_doctor).post(
            f"/health-centre/contracts/{pending.pk}/confirm", {}
        )
    assert confirmed.json()["ends_on"] == "2027-03-14"
    with at("2027-03-01"):
        renewed = api(world.family_doctor).post(f"/health-centre/contracts/{pending.pk}/renew", {})
    assert renewed.status_code == 200
    assert renewed.json()["starts_on"] == "2027-03-15" and renewed.json()["source"] == "renewal"
    new_id = renewed.json()["id"]
    with at("2027-03-02"):
        ended = api(world.family_doctor).post(
            f"/health-centre/contracts/{new_id}/end", {"reason": "搬走"}
        )
    assert ended.json()["status"] == "ended"


def test_contract_of_another_community_is_a_404_and_officers_403(world, api, c3_doctor):
    contract, _ = contract_request(team=world.team_a, person=world.shan)
    assert api(c3_doctor).get(f"/health-centre/contracts/{contract.pk}").status_code == 404
    assert (
        api(world.district_officer).get(f"/health-centre/contracts/{contract.pk}").status_code
        == 403
    )
    assert (
        api(world.family_doctor).get(f"/health-centre/contracts/{contract.pk}").status_code == 200
    )
