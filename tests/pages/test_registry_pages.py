import pytest
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_REASON_REQUIRED
from tests.personas import ID_SHAN, PHONE_SHAN


def test_grid_worker_sees_own_grid_with_households(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("registry:grid", args=[world.grid_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "5号楼" in body
    assert "301" in body


def test_grid_worker_gets_404_for_neighbouring_grid(world, login):
    client = login(world.grid_worker)
    assert client.get(reverse("registry:grid", args=[world.grid_b.pk])).status_code == 404


def test_grid_worker_gets_404_for_neighbouring_household_and_person(world, login):
    client = login(world.grid_worker)
    neighbour = world.neighbour
    assert client.get(reverse("registry:person", args=[neighbour.pk])).status_code == 404
    assert (
        client.get(reverse("registry:household", args=[neighbour.household_id])).status_code == 404
    )
    assert client.get(reverse("registry:person_history", args=[neighbour.pk])).status_code == 404


def test_household_page_lists_members_head_first(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("registry:household", args=[world.household_a.pk]))
    body = response.content.decode()
    assert body.index("单明") < body.index("曾丽") < body.index("单小宝")


def test_person_page_shows_masked_id_and_phone_only(world, login):
    client = login(world.grid_worker)
    body = client.get(reverse("registry:person", args=[world.shan.pk])).content.decode()
    assert world.shan.id_number_masked in body
    assert world.shan.phone_masked in body
    assert ID_SHAN not in body
    assert PHONE_SHAN not in body


def test_reveal_without_reason_is_refused_and_not_audited(world, login):
    client = login(world.grid_worker)
    before = AuditEvent.objects.filter(action="person.reveal.id_number").count()
    response = client.post(
        reverse("registry:person_reveal", args=[world.shan.pk]),
        {"field": "id_number", "reason": ""},
    )
    assert response.status_code == 422
    assert str(ERR_REASON_REQUIRED) in response.content.decode()
    assert ID_SHAN not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.reveal.id_number").count() == before


def test_reveal_with_reason_shows_plaintext_and_writes_audit_event(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_reveal", args=[world.shan.pk]),
        {"field": "id_number", "reason": "核对疫苗登记"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ID_SHAN in response.content.decode()
    event = AuditEvent.objects.filter(action="person.reveal.id_number").latest("id")
    assert event.reason == "核对疫苗登记"
    assert event.actor == world.grid_worker
    assert event.target_id == str(world.shan.pk)


def test_history_shows_the_reveal(world, login):
    client = login(world.grid_worker)
    client.post(
        reverse("registry:person_reveal", args=[world.shan.pk]),
        {"field": "phone", "reason": "联系家属"},
    )
    body = client.get(reverse("registry:person_history", args=[world.shan.pk])).content.decode()
    assert 'data-action="person.reveal.phone"' in body
    assert "联系家属" in body
    assert PHONE_SHAN not in body


def test_grid_worker_cannot_reveal_neighbouring_person(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_reveal", args=[world.neighbour.pk]),
        {"field": "id_number", "reason": "核对"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["sm", "dm", "shanming", "单明"])
def test_search_finds_shan_by_name_pinyin_and_initials(world, login, query):
    client = login(world.grid_worker)
    response = client.post(reverse("registry:search"), {"q": query}, follow=True)
    assert response.status_code == 200
    assert f'href="{reverse("registry:person", args=[world.shan.pk])}"' in (
        response.content.decode()
    )


def test_search_does_not_find_persons_out_of_scope(world, login):
    client = login(world.grid_worker)
    body = client.post(reverse("registry:search"), {"q": "wg"}, follow=True).content.decode()
    assert "王刚" not in body


def test_reveal_without_javascript_renders_a_whole_page(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_reveal", args=[world.shan.pk]),
        {"field": "phone", "reason": "联系本人"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith("<!doctype html>")
    assert 'data-testid="revealed-phone"' in body


def test_revealed_value_is_never_cached(world, login):
    response = login(world.grid_worker).post(
        reverse("registry:person_reveal", args=[world.shan.pk]),
        {"field": "id_number", "reason": "核对疫苗登记"},
        HTTP_HX_REQUEST="true",
    )
    assert "no-store" in response["Cache-Control"]


def test_grid_page_links_to_the_ledger_import_for_editors(world, login):
    body = login(world.grid_worker).get(reverse("registry:grid", args=[world.grid_a.pk]))
    assert reverse("ledgers:import_start") in body.content.decode()
