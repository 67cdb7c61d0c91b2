"""Committing a ledger: nothing half-written, matching instead of duplicating, re-imports
that add nothing, the error report, and the audit trail."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.audit.verify import verify_chain
from shoumen.checkpoints.services import pass_issue
from shoumen.ledgers.importing import REASON_HEADER, ledger_import, mapping_remember, writing
from shoumen.ledgers.models import ColumnMapping
from shoumen.lib.ids import ERR_ID_CHECKSUM
from shoumen.registry.household_services import household_create
from shoumen.registry.models import Household, Person, Relation
from shoumen.registry.services import AUDIT_NUMBER_MASK, person_find_by_document, person_register
from tests.ledgers.ledgers import HEADERS, resident_id, xlsx
from tests.personas import ID_SHAN

ZHANG = resident_id("19800101", 1, male=True)
LI = resident_id("19820202", 2, male=False)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")


def rows_302():
    return [
        [1, "张三", "男", ZHANG, "138 0000 1111", "5号楼", "2", "302", "户主", "新搬来"],
        [2, "李四", "女", LI.lower(), "", "5号楼", "2单元", "302室", "配偶", ""],
    ]


def run(world, data, *, actor=None, org_unit=None, **kwargs):
    return ledger_import(
        actor=actor or world.community_staff,
        org_unit=org_unit or world.grid_a,
        data=data,
        filename="台账.xlsx",
        **kwargs,
    )


def state():
    return (Person.objects.count(), Household.objects.count(), AuditEvent.objects.count())


def test_dry_run_counts_and_writes_nothing(world):
    before = state()
    result = run(world, xlsx(rows_302()), dry_run=True)
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "bad": 0}
    assert not result.committed
    assert state() == before


def test_import_creates_the_household_once_and_sets_its_head(world):
    result = run(world, xlsx(rows_302()))
    assert result.committed
    zhang = person_find_by_document(document_type="resident_id", number=ZHANG)
    li = person_find_by_document(document_type="resident_id", number=LI)
    assert zhang.household_id == li.household_id
    household = zhang.household
    assert (household.building, household.unit, household.door_number) == (
        world.building_a,
        "2",
        "302",
    )
    assert household.head_id == zhang.pk
    assert li.relation_to_head == Relation.SPOUSE


def test_imported_values_are_stored_exactly_as_typed_ones(world):
    run(world, xlsx(rows_302()))
    imported = person_find_by_document(document_type="resident_id", number=ZHANG)
    household = household_create(
        actor=world.admin_user, grid=world.grid_a, building=world.building_a, door_number="909"
    )
    typed = person_register(
        actor=world.admin_user,
        household=household,
        name="张三",
        document_type="resident_id",
        id_number=resident_id("19800101", 6, male=True),
        phone="13800001111",
        notes="新搬来",
    )
    for field in ("sex", "birth_date", "phone_index", "phone_last4", "search_text", "notes"):
        assert getattr(imported, field) == getattr(typed, field), field
    assert imported.phone() == typed.phone() == "+8613800001111"
    assert imported.id_number() == ZHANG


def test_a_bad_row_without_skip_writes_nothing(world):
    before = state()
    rows = [*rows_302(), [3, "王五", "男", BAD, "", "5号楼", "2", "303", "户主", ""]]
    result = run(world, xlsx(rows))
    assert not result.committed
    assert result.counts["bad"] == 1
    assert state() == before


def test_skip_bad_rows_writes_the_good_ones_and_reports_the_bad_ones(world):
    rows = [*rows_302(), [3, "王五", "男", BAD, "13900001111", "5号楼", "2", "303", "户主", "x"]]
    result = run(world, xlsx(rows), skip_bad_rows=True)
    assert result.committed
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "bad": 1}
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    assert not Person.objects.filter(name="王五").exists()

    sheet = load_workbook(io.BytesIO(result.error_report)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (*HEADERS, str(REASON_HEADER))
    assert values[1][:10] == (3, "王五", "男", BAD, "13900001111", "5号楼", "2", "303", "户主", "x")
    assert str(ERR_ID_CHECKSUM) in values[1][10]
    assert sheet.cell(row=2, column=4).number_format == "@"


def test_the_error_report_imports_again_once_fixed(world):
    rows = [*rows_302(), [3, "王五", "男", BAD, "", "5号楼", "2", "303", "户主", ""]]
    report = run(world, xlsx(rows), skip_bad_rows=True).error_report
    workbook = load_workbook(io.BytesIO(report))
    workbook.active.cell(row=2, column=4).value = resident_id("19900303", 7, male=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(world, buffer.getvalue())
    assert result.counts == {"new": 1, "updated": 0, "unchanged": 0, "bad": 0}


def test_reimporting_the_same_file_adds_nothing(world):
    data = xlsx(rows_302())
    run(world, data)
    before = state()
    result = run(world, data)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 2, "bad": 0}
    persons, households, events = before
    # Only the import itself is recorded.
    assert state() == (persons, households, events + 1)


def test_matching_by_id_updates_instead_of_duplicating(world):
    shan = world.shan
    rows = [[1, "单明", "男", ID_SHAN, "13912345678", "5号楼", "2", "301", "户主", "腿脚不便"]]
    result = run(world, xlsx(rows))
    assert result.counts == {"new": 0, "updated": 1, "unchanged": 0, "bad": 0}
    assert Person.objects.filter(name="单明").count() == 1
    shan.refresh_from_db()
    assert shan.phone() == "+8613912345678"
    assert shan.notes == "腿脚不便"
    event = AuditEvent.objects.filter(action="person.import.update").get()
    assert event.target_id == str(shan.pk)
    assert event.changes["phone"] == ["138****5678", "139****5678"]
    assert set(event.changes) == {"phone", "notes"}


def test_blank_optional_cells_keep_what_is_stored(world):
    rows = [[1, "单明", "", ID_SHAN, "", "", "", "", "", ""]]
    result = run(world, xlsx(rows), dry_run=True)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 1, "bad": 0}


def test_person_without_id_is_matched_by_name_birth_date_and_household(world):
    headers = [*HEADERS, "出生日期"]
    rows = [[1, "单小宝", "男", "", "", "5号楼", "2", "301", "子", "", "2022-06-01"]]
    result = run(world, xlsx(rows, headers=headers))
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 1, "bad": 0}
    assert Person.objects.filter(name="单小宝").count() == 1


def test_moving_a_matched_person_to_another_door_moves_them_when_the_move_is_ticked(world):
    rows = [[1, "曾丽", "女", "110105195001010020", "", "5号楼", "2", "302", "户主", ""]]
    result = run(world, xlsx(rows), allow_moves=[world.person("曾丽").pk])
    assert result.counts["updated"] == 1
    zeng = world.person("曾丽")
    assert zeng.household.door_number == "302"
    assert zeng.household.head_id == zeng.pk


def test_a_pass_follows_its_holder_moved_by_an_import(world):
    zeng = world.person("曾丽")
    checkpoint_pass = pass_issue(actor=world.community_staff, person=zeng)
    rows = [[1, "曾丽", "女", "110105195001010020", "", "5号楼", "2", "302", "户主", ""]]
    run(world, xlsx(rows), allow_moves=True)
    checkpoint_pass.refresh_from_db()
    assert checkpoint_pass.household_id == world.person("曾丽").household_id != zeng.household_id
    assert AuditEvent.objects.filter(action="pass.move").count() == 1


def test_a_failure_mid_commit_leaves_the_database_unchanged(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_write_audit_events", explode)
    before = state()
    with pytest.raises(RuntimeError):
        run(world, xlsx(rows_302()))
    assert state() == before


def test_the_import_is_audited_per_person_and_as_a_whole(world):
    run(world, xlsx(rows_302()))
    registered = AuditEvent.objects.filter(action="person.import.register")
    assert registered.count() == 2
    changes = registered.order_by("id").first().changes
    assert changes["id_number"] == [None, AUDIT_NUMBER_MASK]
    # Keyed digests (the last 4's blind index) may hold any 4 digits by chance.
    assert ZHANG[-4:] not in re.sub(r"\b[0-9a-f]{64}\b", " ", str(changes))
    assert changes["phone"] == [None, "138****1111"]
    summary = AuditEvent.objects.get(action="ledger.import")
    assert summary.changes["new"] == 2
    assert summary.changes["households_created"] == 1
    assert verify_chain().ok


def test_community_import_places_rows_by_the_grid_column(world):
    headers = [*HEADERS, "所属网格"]
    rows = [
        [*rows_302()[0], world.grid_a.name],
        [
            3,
            "王五",
            "男",
            resident_id("19700101", 8, male=True),
            "",
            "7号楼",
            "1",
            "102",
            "户主",
            "",
            "G2",
        ],
    ]
    result = run(world, xlsx(rows, headers=headers), org_unit=world.community)
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "bad": 0}
    assert world.person("王五").grid == world.grid_b


def test_a_grid_worker_cannot_import_into_the_neighbouring_grid(world):
    with pytest.raises(PermissionDenied):
        run(world, xlsx(rows_302()), actor=world.grid_worker, org_unit=world.grid_b)


def test_a_volunteer_cannot_import(world):
    with pytest.raises(PermissionDenied):
        run(world, xlsx(rows_302()), actor=world.volunteer, org_unit=world.grid_a)


def test_a_given_mapping_overrides_the_guess(world):
    headers = ["名", "身份证件", "楼", "单元", "房"]
    rows = [["张三", ZHANG, "5号楼", "2", "302"]]
    mapping = {
        "名": "name",
        "身份证件": "id_number",
        "楼": "building",
        "单元": "unit",
        "房": "door_number",
    }
    result = run(world, xlsx(rows, headers=headers), mapping=mapping, dry_run=True)
    assert result.counts["new"] == 1


def test_a_remembered_mapping_is_used_for_the_next_file_of_the_community(world):
    mapping_remember(
        actor=world.community_staff, org_unit=world.grid_a, mapping={"身份证件": "id_number"}
    )
    assert ColumnMapping.objects.get(community=world.community).mapping == {"身份证件": "id_number"}
    headers = ["姓名", "身份证件", "楼栋", "单元", "门牌号"]
    rows = [["张三", ZHANG, "5号楼", "2", "302"]]
    result = run(world, xlsx(rows, headers=headers), org_unit=world.grid_b, dry_run=True)
    assert result.mapping["身份证件"] == "id_number"
