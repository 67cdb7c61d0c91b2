from django.urls import reverse

from shoumen.lib.errors import ERR_REASON_REQUIRED
from shoumen.lib.ids import ERR_ID_CHECKSUM
from shoumen.registry.household_services import (
    ERR_BUILDING_NAME_TAKEN,
    ERR_BUILDING_OR_ADDRESS,
    household_create,
)
from shoumen.registry.models import Building, DocumentType, Household, Person, Status
from shoumen.registry.services import person_register
from tests.personas import ID_SHAN

NEW_ID = "110105200001010016"  # male, 2000-01-01


def _person_data(**overrides):
    data = {
        "name": "赵新",
        "document_type": DocumentType.RESIDENT_ID,
        "id_number": NEW_ID,
        "sex": "",
        "birth_date": "",
        "phone": "13900001111",
        "relation_to_head": "child",
        "tags": ["chronic"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_building_form_rejects_a_taken_name(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:building_new", args=[world.grid_a.pk]), {"name": "5号楼", "units": 2}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [str(ERR_BUILDING_NAME_TAKEN)]
    assert Building.objects.filter(grid=world.grid_a).count() == 1


def test_grid_worker_adds_a_building(world, login):
    client = login(world.grid_worker)
    client.post(
        reverse("registry:building_new", args=[world.grid_a.pk]), {"name": "6号楼", "units": 2}
    )
    assert Building.objects.filter(grid=world.grid_a, name="6号楼").exists()


def test_household_without_building_or_address_shows_address_error(world, login):
    client = login(world.grid_worker)
    before = Household.objects.count()
    response = client.post(
        reverse("registry:household_new", args=[world.grid_a.pk]),
        {"building": "", "address": "", "unit": "", "door_number": "101"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["address"] == [str(ERR_BUILDING_OR_ADDRESS)]
    assert Household.objects.count() == before


def test_grid_worker_creates_household_in_own_building(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:household_new", args=[world.grid_a.pk]),
        {"building": world.building_a.pk, "unit": "1", "door_number": "102"},
    )
    household = Household.objects.get(building=world.building_a, unit="1", door_number="102")
    assert response.url == reverse("registry:household", args=[household.pk])


def test_grid_worker_cannot_add_household_to_neighbouring_grid(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:household_new", args=[world.grid_b.pk]),
        {"address": "某路1号", "door_number": "1"},
    )
    assert response.status_code == 404


def test_person_form_with_bad_id_shows_field_error_and_writes_nothing(world, login):
    client = login(world.grid_worker)
    before = Person.objects.count()
    response = client.post(
        reverse("registry:person_new", args=[world.household_a.pk]),
        _person_data(id_number=NEW_ID[:-1] + "9"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == [str(ERR_ID_CHECKSUM)]
    assert Person.objects.count() == before


def test_person_form_with_registered_id_links_to_existing_person(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_new", args=[world.household_a.pk]),
        _person_data(id_number=ID_SHAN),
    )
    assert response.status_code == 400
    assert response.context["existing"] == world.shan
    assert reverse("registry:person", args=[world.shan.pk]) in response.content.decode()


def test_grid_worker_registers_a_person_with_tags(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_new", args=[world.household_a.pk]), _person_data()
    )
    person = Person.objects.get(name="赵新")
    assert response.url == reverse("registry:person", args=[person.pk])
    assert person.has_chronic_disease
    assert person.sex == "M"
    assert person.phone() == "+8613900001111"


def test_edit_keeps_id_and_phone_when_left_empty(world, login):
    client = login(world.grid_worker)
    shan = world.shan
    body = client.get(reverse("registry:person_edit", args=[shan.pk])).content.decode()
    assert ID_SHAN not in body
    client.post(
        reverse("registry:person_edit", args=[shan.pk]),
        _person_data(name="单明明", id_number="", phone="", relation_to_head="head", tags=[]),
    )
    shan.refresh_from_db()
    assert shan.name == "单明明"
    assert shan.id_number() == ID_SHAN
    assert shan.phone_masked == world.shan.phone_masked


def test_grid_worker_cannot_edit_neighbouring_person(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_edit", args=[world.neighbour.pk]), _person_data(name="X")
    )
    assert response.status_code == 404
    assert world.person("王刚").name == "王刚"


def test_mark_moved_out_needs_a_reason(world, login):
    client = login(world.grid_worker)
    url = reverse("registry:person_status", args=[world.zeng.pk])
    response = client.post(url, {"status": Status.MOVED_OUT, "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [str(ERR_REASON_REQUIRED)]
    assert world.person("曾丽").status == Status.RESIDENT
    client.post(url, {"status": Status.MOVED_OUT, "reason": "搬去女儿家"})
    assert world.person("曾丽").status == Status.MOVED_OUT


def test_move_person_to_another_household_found_by_search(world, login, client):
    admin = world.admin_user
    target = household_create(
        actor=admin, grid=world.grid_a, building=world.building_a, unit="3", door_number="502"
    )
    login(world.grid_worker)
    url = reverse("registry:person_move", args=[world.zeng.pk])
    page = client.get(url, {"q": "502"})
    assert list(page.context["candidates"]) == [target]
    client.post(url, {"household": target.pk, "relation_to_head": "head"})
    zeng = world.person("曾丽")
    assert zeng.household_id == target.pk
    target.refresh_from_db()
    assert target.head_id == zeng.pk


def test_move_to_a_household_out_of_scope_is_404(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_move", args=[world.zeng.pk]),
        {"household": world.neighbour.household_id, "relation_to_head": "other"},
    )
    assert response.status_code == 404
    assert world.person("曾丽").household_id == world.household_a.pk


def test_merge_a_duplicate_found_by_search(world, login):
    duplicate = person_register(
        actor=world.admin_user,
        household=world.household_a,
        name="单明",
        sex="M",
        document_type=DocumentType.NONE,
        phone="13700001234",
    )
    client = login(world.grid_worker)
    url = reverse("registry:person_merge", args=[world.shan.pk])
    page = client.post(url, {"find": "1", "q": "sm"})  # the terms stay out of the URL
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert duplicate in list(page.context["candidates"])
    assert world.shan not in list(page.context["candidates"])
    response = client.post(url, {"duplicate": duplicate.pk, "reason": ""})
    assert response.context["form"].errors["reason"] == [str(ERR_REASON_REQUIRED)]
    client.post(url, {"duplicate": duplicate.pk, "reason": "重复登记"})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into_id == world.shan.pk


def test_household_edit_sets_the_head(world, login):
    client = login(world.grid_worker)
    household = world.household_a
    client.post(
        reverse("registry:household_edit", args=[household.pk]),
        {
            "building": world.building_a.pk,
            "unit": "2",
            "door_number": "301",
            "head": world.zeng.pk,
        },
    )
    household.refresh_from_db()
    assert household.head_id == world.zeng.pk
