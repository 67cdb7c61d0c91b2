import pytest


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {("G1", "grid", "C1")}),
        (
            "community_staff",
            {("C1", "community", "S1"), ("G1", "grid", "C1"), ("G2", "grid", "C1")},
        ),
        ("outsider", {("S2", "street", "D1"), ("C3", "community", "S2"), ("G4", "grid", "C3")}),
        ("volunteer", set()),
    ],
)
def test_org_units_are_the_actors_subtree(world, api, persona, expected):
    response = api(getattr(world, persona)).get("/org-units")
    assert response.status_code == 200
    got = {(u["code"], u["level"], u["parent_code"]) for u in response.json()}
    assert got == expected


def test_district_officer_sees_the_whole_tree_with_the_root_parentless(world, api):
    units = api(world.district_officer).get("/org-units").json()
    assert len(units) == 10
    root = units[0]
    assert (root["code"], root["level"], root["parent_code"]) == ("D1", "district", None)
    assert {"id", "code", "name", "level", "parent_code"} == set(root)


def test_org_units_query_count_is_fixed(world, api, django_assert_max_num_queries):
    client = api(world.community_staff)
    # token (+ last-used stamp), assignments, units, the top unit's parent
    with django_assert_max_num_queries(5):
        response = client.get("/org-units")
    assert len(response.json()) == 3
