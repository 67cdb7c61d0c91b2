"""The bulk paths of the import store and audit exactly what the registry's own services
would: the stored form of a new person, the audit chain's hashes, and large imports."""

import datetime

import pytest

from shoumen.audit.models import AuditEvent
from shoumen.audit.services import audit_chain_appending, audit_event_record
from shoumen.audit.verify import verify_chain
from shoumen.ledgers.importing import ledger_import, tuning, writing
from shoumen.ledgers.importing.stored_form import STORED_ATTRS, _stored_form
from shoumen.registry.models import DocumentType, Person, Relation, Tag
from shoumen.registry.services import apply_person_values, person_snapshot
from tests.ledgers.ledgers import resident_id, xlsx

VALUES = [
    {
        "name": "单明",
        "sex": "M",
        "birth_date": datetime.date(1980, 1, 1),
        "document_type": DocumentType.RESIDENT_ID,
        "id_number": resident_id("19800101", 3, male=True),
        "phone": "+8613800001111",
        "relation_to_head": Relation.HEAD,
        "tags": {Tag.CHRONIC, Tag.LIVING_ALONE},
        "notes": "腿脚不便",
    },
    {
        "name": "Anna Li",
        "sex": "F",
        "birth_date": None,
        "document_type": DocumentType.NONE,
        "id_number": "",
        "phone": "",
        "relation_to_head": Relation.OTHER,
        "tags": set(),
        "notes": "",
    },
    {
        "name": "曾丽",
        "sex": "F",
        "birth_date": datetime.date(1950, 1, 1),
        "document_type": DocumentType.PASSPORT,
        "id_number": "E12345678",
        "phone": "+861065123456",
        "relation_to_head": Relation.SPOUSE,
        "tags": {Tag.PREGNANT},
        "notes": "x",
    },
]


@pytest.mark.parametrize("values", VALUES, ids=lambda v: v["name"])
def test_a_new_persons_stored_form_is_what_the_registry_stores(values):
    columns, snapshot = _stored_form(values)
    person = Person()
    apply_person_values(person, values)
    stored = dict(zip(STORED_ATTRS, columns, strict=True))
    for attr in STORED_ATTRS:
        if attr.endswith("_encrypted"):
            continue  # a fresh nonce each time: compared decrypted below
        assert stored[attr] == getattr(person, attr), attr
    bulk = Person(**stored)
    assert (bulk.id_number(), bulk.phone()) == (person.id_number(), person.phone())
    assert snapshot == person_snapshot(person)


def test_events_hashed_in_bulk_have_the_hash_the_model_computes(world):
    specs = [
        {"action": "test.bulk", "target": world.grid_a, "org_path": world.grid_a.path},
        {
            "action": "test.bulk",
            "target_type": "registry.person",
            "target_id": "7",
            "target_label": '单明 "引号" \\ \n',
            "changes": {"b": [None, "138****1111"], "a": {"z": 1, "y": [True, None, 1.5]}},
            "reason": "原因",
            "ip_address": "10.0.0.1",
        },
    ]
    audit_event_record(actor=world.grid_worker, action="test.before")
    for actor, label in ((world.grid_worker, None), (None, "命令行")):
        with audit_chain_appending(actor=actor, actor_label=label) as chain:
            events = chain.events(specs)
        AuditEvent.objects.bulk_create(events)
        for event in events:
            assert event.hash == event.compute_hash()
    assert verify_chain().ok


def test_a_large_import_merges_its_search_index_entries_and_stays_searchable(world, monkeypatch):
    monkeypatch.setattr(tuning, "ANALYZE_ROWS", 1)
    monkeypatch.setattr(writing, "COMMIT_BATCH", 2)
    rows = [
        [i + 1, name, "", resident_id("19800101", i, male=i % 2 == 0), "", "5号楼", "1", "9"]
        + ["户主" if i == 0 else "子女", ""]
        for i, name in enumerate(["欧阳晓明", "欧阳晓红", "欧阳晓东"])
    ]
    result = ledger_import(
        actor=world.community_staff, org_unit=world.grid_a, data=xlsx(rows), filename="a.xlsx"
    )
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "bad": 0}
    found = Person.objects.filter(search_text__contains="ouyangxiao")
    assert sorted(p.name for p in found) == ["欧阳晓东", "欧阳晓明", "欧阳晓红"]
    head = Person.objects.get(name="欧阳晓明")
    assert head.household.head_id == head.pk
    assert AuditEvent.objects.filter(action="person.import.register").count() == 3
    assert verify_chain().ok
