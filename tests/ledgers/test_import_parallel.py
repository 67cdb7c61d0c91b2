"""Large files are checked by several processes; the plan is the same as checking them
in one."""

import pytest

from shoumen.ledgers.importing import ledger_import, stored_form, tuning
from shoumen.registry.models import Person
from tests.ledgers.ledgers import resident_id, xlsx


def rows():
    out = []
    for i in range(40):
        number = resident_id("19800101", i, male=i % 2 == 0)
        if i == 7:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        out.append([i + 1, f"张{i}", "", number, "", "5号楼", "1", f"{i + 100}", "户主", ""])
    return out


@pytest.mark.parametrize("parallel", [False, True])
def test_checking_in_worker_processes_gives_the_same_plan(world, monkeypatch, parallel):
    monkeypatch.setattr(tuning, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
    monkeypatch.setattr(tuning, "CHUNK_ROWS", 7)
    monkeypatch.setattr(tuning.os, "cpu_count", lambda: 4)
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=xlsx(rows()),
        filename="a.xlsx",
        skip_bad_rows=True,
    )
    assert result.counts == {"new": 39, "updated": 0, "unchanged": 0, "bad": 1}
    assert [e.row for e in result.errors] == [4 + 7]
    assert result.committed
    stored = Person.objects.get(name="张3")
    assert stored.id_number() == resident_id("19800101", 3, male=False)
    assert stored.household.door_number == "103"
    stored = Person.objects.get(name="张3")
    assert stored.id_number() == resident_id("19800101", 3, male=False)
    assert stored.household.door_number == "103"


def test_a_new_person_row_names_every_column_of_the_person_table():
    columns = {f.attname for f in Person._meta.concrete_fields}
    placement = {"household_id", "grid_id", "created_at", "updated_at"}
    given = set(stored_form.STORED_ATTRS) | placement | set(stored_form.NEW_PERSON_DEFAULTS)
    assert columns == given - {"pk"}
