"""Wherever an ID number shows masked (region and last 4), the birth date does not: the two
together are the whole number. Age shows instead; revealing still shows everything."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.audit.services import audit_event_record
from shoumen.ledgers.export_services import register_export
from shoumen.registry.services import (
    AUDIT_NUMBER_MASK,
    BIRTH_DATE_MASK,
    ERR_BIRTH_MISMATCH_ON_RECORD,
    person_update,
)
from tests.ledgers.export_helpers import ID_COLUMN, xlsx_rows
from tests.personas import ID_SHAN

SHAN_BIRTH = "1985-03-07"
BIRTH_COLUMN = 9  # 出生日期, counted from 0
AGE_COLUMN = 10


def test_person_page_shows_age_and_not_the_birth_date(world, login):
    body = login(world.grid_worker).get(reverse("registry:person", args=[world.shan.pk]))
    html = body.content.decode()
    assert SHAN_BIRTH not in html and "1985" not in html
    assert body.context["age"] == world.shan.age
    assert world.shan.id_number_masked in html


@pytest.mark.parametrize("page", ["household", "search"])
def test_lists_show_age_and_not_the_birth_year(world, login, page):
    client = login(world.grid_worker)
    if page == "household":
        response = client.get(reverse("registry:household", args=[world.household_a.pk]))
    else:
        response = client.post(reverse("registry:search"), {"q": "sm"}, follow=True)
    html = response.content.decode()
    assert "1985" not in html
    assert f"{world.shan.age} 岁" in html


def test_the_edit_form_does_not_put_the_birth_date_back(world, login):
    html = (
        login(world.grid_worker)
        .get(reverse("registry:person_edit", args=[world.shan.pk]))
        .content.decode()
    )
    assert SHAN_BIRTH not in html and "1985" not in html
    assert f"{world.shan.age}" in html  # "Leave empty to keep the birth date (age N)"


def test_an_edit_that_leaves_the_birth_date_empty_keeps_it(world, login):
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_edit", args=[world.shan.pk]),
        {"name": "单明", "document_type": "resident_id", "relation_to_head": "head"},
    )
    assert response.status_code == 302
    world.shan.refresh_from_db()
    assert world.shan.birth_date == datetime.date(1985, 3, 7)


def test_a_new_id_number_brings_its_own_birth_date(world, login):
    new_number = "11010519860101001X"
    client = login(world.grid_worker)
    response = client.post(
        reverse("registry:person_edit", args=[world.shan.pk]),
        {
            "name": "单明",
            "document_type": "resident_id",
            "id_number": new_number,
            "relation_to_head": "head",
        },
    )
    assert response.status_code == 302
    world.shan.refresh_from_db()
    assert world.shan.birth_date == datetime.date(1986, 1, 1)


def test_a_birth_date_against_the_number_on_record_does_not_read_out_its_date(world):
    with pytest.raises(ValidationError) as caught:
        person_update(
            actor=world.grid_worker, person=world.shan, birth_date=datetime.date(1985, 3, 8)
        )
    messages = caught.value.message_dict["birth_date"]
    assert messages == [str(ERR_BIRTH_MISMATCH_ON_RECORD)]
    assert SHAN_BIRTH not in str(messages)


def test_api_gives_age_and_no_birth_date(world, login):
    from shoumen.accounts.services import api_token_create
    from tests.api.conftest import ApiClient

    api = ApiClient(api_token_create(actor=None, user=world.grid_worker)[1])
    for body in (
        api.get(f"/persons/{world.shan.pk}").json(),
        api.get("/persons", q="sm").json()["items"][0],
        api.get(f"/households/{world.household_a.pk}").json()["members"][0],
    ):
        assert "birth_date" not in body and body["age"] == world.shan.age
        assert body["id_number_masked"] == world.shan.id_number_masked


def test_a_masked_register_leaves_the_birth_date_empty_and_keeps_the_age(world):
    rows = xlsx_rows(
        register_export(actor=world.community_staff, org_unit=world.grid_a, fmt="xlsx").content
    )
    shan = next(r for r in rows if r[ID_COLUMN] == world.shan.id_number_masked)
    assert shan[BIRTH_COLUMN] in (None, "") and shan[AGE_COLUMN] == world.shan.age


def test_an_unmasked_register_keeps_the_birth_date(world):
    content = register_export(
        actor=world.district_officer,
        org_unit=world.grid_a,
        fmt="xlsx",
        unmasked=True,
        reason="疾控核查",
    ).content
    shan = next(r for r in xlsx_rows(content) if r[ID_COLUMN] == ID_SHAN)
    assert shan[BIRTH_COLUMN] == SHAN_BIRTH


def test_the_audit_keeps_no_character_of_the_number_and_still_sees_it_change(world):
    person_update(actor=world.grid_worker, person=world.shan, id_number="110105198503070035")
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.changes["id_number"] == [AUDIT_NUMBER_MASK, AUDIT_NUMBER_MASK]
    assert "0019" not in str(event.changes) and "0035" not in str(event.changes)
    assert "id_number_index" not in event.changes


def test_history_masks_birth_dates_and_numbers_also_in_older_events(world, login):
    audit_event_record(
        actor=world.admin_user,
        action="person.update",
        target=world.shan,
        org_path=world.shan.grid.path,
        changes={"birth_date": [None, SHAN_BIRTH], "id_number": [None, "110105********0019"]},
    )
    client = login(world.grid_worker)
    html = client.get(reverse("registry:person_history", args=[world.shan.pk])).content.decode()
    assert SHAN_BIRTH not in html and "110105********0019" not in html
    assert "****-**-**" in html


def test_the_audit_records_a_birth_date_change_without_the_dates(world):
    person_update(
        actor=world.grid_worker,
        person=world.shan,
        id_number="11010519860101001X",
        birth_date=datetime.date(1986, 1, 1),
    )
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.changes["birth_date"] == [BIRTH_DATE_MASK, BIRTH_DATE_MASK]
    assert "1985" not in str(event.changes) and "1986" not in str(event.changes)
