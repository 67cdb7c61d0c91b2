import pytest

from shoumen.api.errors import ERR_NOT_FOUND
from shoumen.audit.models import AuditEvent
from shoumen.registry.api import ERR_UNKNOWN_BUILDING, ERR_UNKNOWN_GRID
from shoumen.registry.household_services import (
    ERR_BUILDING_OR_ADDRESS,
    ERR_DOOR_TAKEN,
    household_create,
)
from shoumen.registry.models import Household
from shoumen.registry.services import person_register


def labels(response) -> list[str]:
    return [item["label"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("grid_worker", 1),
        ("neighbour_worker", 1),
        ("community_staff", 2),
        ("outsider", 1),
        ("district_officer", 3),
        ("volunteer", 0),
    ],
)
def test_each_persona_lists_the_households_of_their_jurisdiction(world, api, persona, count):
    response = api(getattr(world, persona)).get("/households")
    assert response.status_code == 200
    assert set(response.json()) == {"items", "count"}
    assert response.json()["count"] == count
    assert len(response.json()["items"]) == count


def test_households_filter_by_grid_code_and_door_number(world, api):
    client = api(world.community_staff)
    assert [h["grid"] for h in client.get("/households", grid="G2").json()["items"]] == ["G2"]
    assert [h["door_number"] for h in client.get("/households", q="301").json()["items"]] == ["301"]
    assert client.get("/households", q="999").json() == {"items": [], "count": 0}


def test_households_grid_filter_outside_jurisdiction_is_a_field_error(world, api):
    response = api(world.grid_worker).get("/households", grid="G2")
    assert response.status_code == 422
    assert response.json()["errors"] == {"grid": [str(ERR_UNKNOWN_GRID)]}


def test_households_page_with_limit_and_offset(world, api):
    client = api(world.district_officer)
    first = client.get("/households", limit=2).json()
    rest = client.get("/households", limit=2, offset=2).json()
    assert (first["count"], len(first["items"]), len(rest["items"])) == (3, 2, 1)


def test_household_detail_lists_members_masked(world, api):
    response = api(world.grid_worker).get(f"/households/{world.household_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["head_name"] == "单明"
    assert body["building_name"] == "5号楼"
    assert {m["name"] for m in body["members"]} == {"单明", "曾丽", "单小宝"}
    shan = next(m for m in body["members"] if m["name"] == "单明")
    assert shan["id_number_masked"] == "110105********0019"


def test_grid_worker_gets_404_on_the_neighbouring_grids_household(world, api):
    household = world.neighbour.household
    response = api(world.grid_worker).get(f"/households/{household.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": str(ERR_NOT_FOUND)}


def test_grid_worker_creates_a_household_in_their_grid(world, api):
    response = api(world.grid_worker).post(
        "/households",
        {"grid": "G1", "building": world.building_a.pk, "unit": "2", "door_number": "302"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["grid"], body["building"], body["door_number"]) == (
        "G1",
        world.building_a.pk,
        "302",
    )
    assert AuditEvent.objects.filter(action="household.create", target_id=str(body["id"])).exists()


def test_household_in_the_neighbouring_grid_cannot_be_created(world, api):
    response = api(world.grid_worker).post("/households", {"grid": "G2", "address": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"grid": [str(ERR_UNKNOWN_GRID)]}


def test_household_needs_a_building_or_an_address(world, api):
    count = Household.objects.count()
    response = api(world.grid_worker).post("/households", {"grid": "G1"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"address": [str(ERR_BUILDING_OR_ADDRESS)]}
    assert Household.objects.count() == count


def test_household_door_already_taken_is_a_field_error(world, api):
    response = api(world.grid_worker).post(
        "/households",
        {"grid": "G1", "building": world.building_a.pk, "unit": "2", "door_number": "301"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"door_number": [str(ERR_DOOR_TAKEN)]}


def test_building_outside_jurisdiction_is_a_field_error(world, api):
    response = api(world.neighbour_worker).post(
        "/households", {"grid": "G2", "building": world.building_a.pk, "door_number": "1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"building": [str(ERR_UNKNOWN_BUILDING)]}


@pytest.mark.parametrize("extra", [0, 30])
def test_household_list_query_count_does_not_grow_with_rows(
    world, api, django_assert_max_num_queries, extra
):
    for i in range(extra):
        household = household_create(
            actor=world.admin_user, grid=world.grid_a, address=f"光华路{i}号"
        )
        person_register(
            actor=world.admin_user,
            household=household,
            name=f"户主{i}",
            sex="M",
            relation_to_head="head",
        )
    client = api(world.grid_worker)
    with django_assert_max_num_queries(5):
        response = client.get("/households", limit=500)
    assert response.json()["count"] == 1 + extra
    assert all(h["head_name"] for h in response.json()["items"])


@pytest.mark.parametrize("extra", [0, 30])
def test_household_detail_query_count_does_not_grow_with_members(
    world, api, django_assert_max_num_queries, extra
):
    for i in range(extra):
        person_register(
            actor=world.admin_user, household=world.household_a, name=f"成员{i}", sex="F"
        )
    client = api(world.grid_worker)
    url = f"/households/{world.household_a.pk}"
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert len(response.json()["members"]) == 3 + extra


def test_door_number_that_grows_past_its_column_when_normalised_is_a_field_error(world, api):
    response = api(world.grid_worker).post(
        "/households", {"grid": "G1", "address": "x", "door_number": "\ufdfa" * 2}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["door_number"]
