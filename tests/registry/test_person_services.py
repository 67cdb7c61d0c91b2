import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_TOO_LONG
from shoumen.registry.household_services import household_move, household_update
from shoumen.registry.models import DocumentType, Person, Relation, Status
from shoumen.registry.services import (
    AUDIT_NUMBER_MASK,
    ERR_DATE_FUTURE,
    ERR_DUPLICATE_IN_SCOPE,
    ERR_DUPLICATE_OUT_OF_SCOPE,
    ERR_HEAD_TAKEN,
    ERR_MERGE_DIFFERENT_IDS,
    ERR_SEX_MISMATCH,
    DuplicatePersonError,
    person_merge,
    person_move,
    person_register,
    person_reveal,
    person_set_status,
    person_update,
)
from tests.personas import ID_NEIGHBOUR, ID_SHAN

NEW_ID = "110105200001010016"  # male, 2000-01-01


def _register(world, actor=None, **values):
    defaults = {"name": "赵新", "document_type": DocumentType.RESIDENT_ID, "id_number": NEW_ID}
    return person_register(
        actor=actor or world.grid_worker, household=world.household_a, **(defaults | values)
    )


def test_register_derives_sex_and_birth_date_from_id_number(world):
    person = _register(world)
    assert person.sex == "M"
    assert person.birth_date == datetime.date(2000, 1, 1)
    assert person.id_number() == NEW_ID
    assert person.id_number_masked == "110105********0016"


def test_register_normalises_fullwidth_spaces_and_lowercase_x(world):
    person = _register(world, id_number=" １１０１０５ ２００００１０１００１６ ")
    assert person.id_number() == NEW_ID
    lower_x = _register(world, name="钱七", id_number="11010519720707001x")
    assert lower_x.id_number().endswith("X")


def test_register_rejects_sex_contradicting_id_number(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, sex="F")
    assert exc.value.message_dict["sex"] == [str(ERR_SEX_MISMATCH % {"sex": "男"})]
    assert not Person.objects.filter(name="赵新").exists()


def test_register_existing_id_points_to_the_existing_person(world):
    with pytest.raises(DuplicatePersonError) as exc:
        _register(world, id_number=ID_SHAN)
    assert exc.value.existing == world.shan
    assert exc.value.message_dict["id_number"] == [str(ERR_DUPLICATE_IN_SCOPE % {"name": "单明"})]


def test_register_existing_id_outside_scope_does_not_name_the_person(world):
    with pytest.raises(DuplicatePersonError) as exc:
        _register(world, id_number=ID_NEIGHBOUR)
    assert exc.value.existing is None
    assert exc.value.message_dict["id_number"] == [str(ERR_DUPLICATE_OUT_OF_SCOPE)]


def test_register_without_document_needs_sex(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, document_type=DocumentType.NONE, id_number="")
    assert "sex" in exc.value.message_dict


def test_register_passport_holder(world):
    person = _register(world, document_type=DocumentType.PASSPORT, id_number="e1234 5678", sex="F")
    assert person.id_number() == "E12345678"
    assert person.id_number_masked == "*****5678"


def test_second_head_of_household_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, relation_to_head=Relation.HEAD)
    assert exc.value.message_dict["relation_to_head"] == [str(ERR_HEAD_TAKEN % {"name": "单明"})]


def test_grid_worker_cannot_register_in_neighbouring_grid(world):
    household = world.neighbour.household
    with pytest.raises(PermissionDenied):
        person_register(
            actor=world.grid_worker,
            household=household,
            name="赵新",
            document_type=DocumentType.RESIDENT_ID,
            id_number=NEW_ID,
        )


def test_register_writes_a_masked_audit_event(world):
    person = _register(world, phone="138 0013 8000")
    event = AuditEvent.objects.get(action="person.register", target_id=str(person.pk))
    # No character of the number: beside the birth date its region and last 4 complete it.
    assert event.changes["id_number"] == [None, AUDIT_NUMBER_MASK]
    assert event.changes["phone"] == [None, "138****8000"]
    # Keyed digests (the last 4's blind index) may hold any 4 digits by chance.
    text = re.sub(r"\b[0-9a-f]{64}\b", " ", str(event.changes))
    assert NEW_ID[-4:] not in text and NEW_ID[:6] not in text


def test_update_changes_phone_and_audits_masked_diff(world):
    person = person_update(actor=world.grid_worker, person=world.shan, phone="13900001111")
    assert person.phone() == "+8613900001111"
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.changes == {"phone": ["138****5678", "139****1111"]}


def test_update_without_changes_writes_no_event(world):
    before = AuditEvent.objects.count()
    person_update(actor=world.grid_worker, person=world.shan, name="单明")
    assert AuditEvent.objects.count() == before


def test_move_to_other_grid_follows_the_household_grid(world):
    target = world.neighbour.household
    person = person_move(actor=world.community_staff, person=world.zeng, household=target)
    assert person.grid == world.grid_b


def test_grid_worker_cannot_move_person_out_of_their_grid(world):
    with pytest.raises(PermissionDenied):
        person_move(actor=world.grid_worker, person=world.zeng, household=world.neighbour.household)


def test_household_move_moves_its_members(world):
    household = world.household_a
    household_move(
        actor=world.community_staff, household=household, grid=world.grid_b, address="新地址"
    )
    assert set(household.members.values_list("grid_id", flat=True)) == {world.grid_b.pk}


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC))
def test_mark_deceased_requires_reason_and_clears_head(world):
    with pytest.raises(ValidationError):
        person_set_status(
            actor=world.grid_worker, person=world.shan, status=Status.DECEASED, reason=""
        )
    person = person_set_status(
        actor=world.grid_worker, person=world.shan, status=Status.DECEASED, reason="家属告知"
    )
    assert person.status == Status.DECEASED
    assert person.status_changed_on == datetime.date(2026, 11, 22)
    person.household.refresh_from_db()
    assert person.household.head_id is None


def test_merge_keeps_history_and_moves_document(world):
    duplicate = _register(world, name="单明")
    keep = person_register(
        actor=world.grid_worker,
        household=world.household_a,
        name="单明",
        sex="M",
        document_type=DocumentType.NONE,
        phone="13700001111",
    )
    merged = person_merge(
        actor=world.grid_worker, keep=keep, duplicate=duplicate, reason="重复登记"
    )
    duplicate.refresh_from_db()
    assert merged.id_number() == NEW_ID
    assert duplicate.status == Status.MERGED and duplicate.merged_into == keep
    assert duplicate.id_number_index is None
    assert AuditEvent.objects.filter(action="person.merge", target_id=str(keep.pk)).exists()


def test_merge_refuses_two_different_id_numbers(world):
    with pytest.raises(ValidationError) as exc:
        person_merge(actor=world.grid_worker, keep=world.shan, duplicate=world.zeng, reason="重复")
    assert exc.value.messages == [str(ERR_MERGE_DIFFERENT_IDS)]


def test_reveal_requires_reason_and_is_audited(world):
    with pytest.raises(ValidationError):
        person_reveal(actor=world.grid_worker, person=world.shan, field="id_number", reason=" ")
    value = person_reveal(
        actor=world.grid_worker, person=world.shan, field="id_number", reason="核对身份"
    )
    assert value == ID_SHAN
    event = AuditEvent.objects.filter(action="person.reveal.id_number").latest("id")
    assert event.reason == "核对身份" and event.actor == world.grid_worker


def test_volunteer_cannot_reveal(world):
    with pytest.raises(PermissionDenied):
        person_reveal(actor=world.volunteer, person=world.shan, field="phone", reason="核对")


def test_name_longer_than_the_column_is_refused_as_typed(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, name="欧阳" * 25 + "明")
    assert exc.value.message_dict["name"] == [str(ERR_TOO_LONG % {"max": 50})]


def test_control_characters_are_dropped_from_names(world):
    person = _register(world, name="赵\x00新\u200b")
    assert person.name == "赵新"


def test_long_name_of_heteronyms_is_searchable(world):
    person = _register(world, name="单曾单曾单曾")
    assert "dzdzdz" in person.search_text


def test_status_change_dated_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        person_set_status(
            actor=world.grid_worker,
            person=world.shan,
            status=Status.MOVED_OUT,
            reason="搬走",
            on_date=datetime.date(2100, 1, 1),
        )
    assert exc.value.message_dict["on_date"] == [str(ERR_DATE_FUTURE)]


def test_clearing_the_head_of_household_clears_their_relation(world):
    household_update(actor=world.grid_worker, household=world.household_a, head=None)
    shan = world.person("单明")
    assert shan.relation_to_head == Relation.OTHER
    assert world.household_a.head is None
