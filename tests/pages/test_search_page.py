from django.urls import reverse

from shoumen.registry.models import Status
from shoumen.registry.services import person_set_status


def _names(response):
    return sorted(p.name for p in response.context["page"])


def test_empty_search_lists_nobody(world, login):
    response = login(world.grid_worker).get(reverse("registry:search"))
    assert response.context["page"] is None


def test_search_by_tag_finds_chronic_patients(world, login):
    client = login(world.community_staff)
    assert _names(client.get(reverse("registry:search"), {"tag": "chronic"})) == ["曾丽"]


def test_search_by_child_tag_uses_birth_date(world, login):
    client = login(world.community_staff)
    assert _names(client.get(reverse("registry:search"), {"tag": "child"})) == ["单小宝"]


def test_search_by_org_unit_limits_to_that_grid(world, login):
    client = login(world.community_staff)
    response = client.get(reverse("registry:search"), {"org_unit": world.grid_b.pk})
    assert _names(response) == ["王刚"]


def test_search_cannot_filter_by_a_unit_out_of_scope(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("registry:search"), {"org_unit": world.grid_b.pk})
    assert response.context["page"] is None
    assert "org_unit" in response.context["form"].errors


def test_search_by_status_finds_moved_out_persons(world, login):
    person_set_status(
        actor=world.admin_user, person=world.zeng, status=Status.MOVED_OUT, reason="搬走"
    )
    client = login(world.grid_worker)
    assert "曾丽" not in _names(client.post(reverse("registry:search"), {"q": "zl"}, follow=True))
    response = client.get(reverse("registry:search"), {"status": Status.MOVED_OUT})
    assert _names(response) == ["曾丽"]
    response = client.post(reverse("registry:search"), {"q": "zl", "status": "any"}, follow=True)
    assert _names(response) == ["曾丽"]


def test_search_by_id_last_four(world, login):
    client = login(world.grid_worker)
    assert _names(client.post(reverse("registry:search"), {"q": "0019"}, follow=True)) == ["单明"]


def test_search_by_heteronym_reading_of_zeng(world, login):
    client = login(world.grid_worker)
    assert _names(client.post(reverse("registry:search"), {"q": "cengli"}, follow=True)) == ["曾丽"]
