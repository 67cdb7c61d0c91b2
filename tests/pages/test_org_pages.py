from django.urls import reverse

from shoumen.places.models import OrgUnit
from shoumen.places.services import ERR_CODE_TAKEN


def test_street_officer_tree_shows_own_street_only(world, login):
    response = login(world.street_officer).get(reverse("places:tree"))
    names = [u.name for u in response.context["page"]]
    assert names[0] == "建国门街道"
    assert "光华第一网格" in names
    assert "和平街道" not in names
    assert "和平里第一网格" not in names


def test_unit_page_lists_children_with_grid_counts(world, login):
    response = login(world.community_staff).get(reverse("places:unit", args=[world.community.pk]))
    children = list(response.context["page"])
    assert [c.name for c in children] == ["光华第一网格", "光华第二网格"]
    assert children[0].resident_count == 3


def test_unit_out_of_scope_is_404(world, login):
    client = login(world.street_officer)
    assert client.get(reverse("places:unit", args=[world.other_street.pk])).status_code == 404


def test_officer_without_unit_management_sees_no_forms_and_cannot_rename(world, login):
    client = login(world.street_officer)
    response = client.get(reverse("places:unit", args=[world.street.pk]))
    assert response.context["create_form"] is None
    assert 'action="/org/' not in response.content.decode()
    response = client.post(reverse("places:unit_rename", args=[world.street.pk]), {"name": "X"})
    assert response.status_code == 404
    assert OrgUnit.objects.get(pk=world.street.pk).name == "建国门街道"


def test_admin_adding_a_unit_with_a_taken_code_sees_the_error(world, login):
    client = login(world.admin_user)
    before = OrgUnit.objects.count()
    response = client.post(
        reverse("places:unit_create_child", args=[world.community.pk]),
        {"code": "G1", "name": "光华第三网格"},
    )
    assert response.status_code == 400
    assert response.context["create_form"].errors["code"] == [str(ERR_CODE_TAKEN)]
    assert OrgUnit.objects.count() == before


def test_admin_adds_renames_and_moves_a_grid(world, login):
    client = login(world.admin_user)
    client.post(
        reverse("places:unit_create_child", args=[world.community.pk]),
        {"code": "G9", "name": "光华第三网格"},
    )
    grid = OrgUnit.objects.get(code="G9")
    assert grid.level == "grid"
    client.post(reverse("places:unit_rename", args=[grid.pk]), {"name": "光华新网格"})
    client.post(reverse("places:unit_move", args=[grid.pk]), {"new_parent": world.unit("C2").pk})
    grid.refresh_from_db()
    assert grid.name == "光华新网格"
    assert OrgUnit.objects.get_parent(grid).code == "C2"


def test_tree_query_count_is_flat(world, login, django_assert_max_num_queries):
    client = login(world.admin_user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("places:tree")).status_code == 200
