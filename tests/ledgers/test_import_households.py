"""An import never splits a household or moves a resident by accident: unit and door are
matched in one canonical form, the preview lists every changed field and each move, and a
move happens only when ticked."""

import pytest

from shoumen.ledgers.importing import ledger_import
from shoumen.registry.household_services import building_create, household_create
from shoumen.registry.models import DocumentType, Household, Relation
from shoumen.registry.services import person_register
from tests.ledgers.ledgers import resident_id, xlsx

# A ledger with no unit column: the unit is written into the door number.
NO_UNIT = ["序号", "姓名", "性别", "身份证号", "联系电话", "楼栋", "门牌号", "与户主关系", "备注"]
HUSBAND = resident_id("19700101", 11, male=True)
WIFE = resident_id("19720202", 12, male=False)
SON = resident_id("20000303", 13, male=True)


@pytest.fixture
def family(world):
    """Household "1号楼 1单元 903": husband, wife and son; and "1单元 1601", typed long
    ago with the unit in its door number."""
    admin = world.user("admin_user")
    building = building_create(actor=admin, grid=world.grid_a, name="1号楼", units=2)
    home = household_create(
        actor=admin, grid=world.grid_a, building=building, unit="1", door_number="903"
    )
    for name, number, relation in (
        ("李建国", HUSBAND, Relation.HEAD),
        ("王秀英", WIFE, Relation.SPOUSE),
        ("李明", SON, Relation.CHILD),
    ):
        person_register(
            actor=admin,
            household=home,
            name=name,
            document_type=DocumentType.RESIDENT_ID,
            id_number=number,
            phone="13800001111" if name == "李建国" else "",
            relation_to_head=relation,
        )
    other = household_create(
        actor=admin, grid=world.grid_a, building=building, door_number="1单元 1601"
    )
    return home, other


def husband_row(door, *, phone="13800001111"):
    return [1, "李建国", "男", HUSBAND, phone, "1号楼", door, "户主", ""]


def run(world, rows, **kwargs):
    return ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=xlsx(rows, headers=NO_UNIT),
        filename="台账.xlsx",
        **kwargs,
    )


def test_a_door_with_its_unit_updates_the_husband_in_place_and_splits_no_household(world, family):
    home, _other = family
    households = Household.objects.count()
    result = run(world, [husband_row("1单元903", phone="13900002222")])
    assert result.counts == {"new": 0, "updated": 1, "unchanged": 0, "bad": 0}
    assert result.moves == []
    assert result.committed
    assert Household.objects.count() == households
    husband = world.person("李建国")
    assert husband.household_id == home.pk == world.person("王秀英").household_id
    assert world.person("李明").household_id == home.pk
    assert husband.phone().endswith("13900002222")


@pytest.mark.parametrize("door", ["1单元903", "1-903", "1单元 903", "一单元903", "1单元903室"])
def test_every_way_of_writing_unit_1_door_903_names_the_same_household(world, family, door):
    result = run(world, [husband_row(door)], dry_run=True)
    assert result.counts["unchanged"] == 1, result.errors
    assert result.moves == []


def test_a_door_typed_without_the_space_finds_the_household_typed_with_it(world, family):
    _home, other = family
    households = Household.objects.count()
    newcomer = [2, "赵磊", "男", resident_id("19900101", 21, male=True), "", "1号楼", "1单元1601"]
    result = run(world, [[*newcomer, "户主", ""]])
    assert result.counts["new"] == 1
    assert Household.objects.count() == households
    assert world.person("赵磊").household_id == other.pk


def test_a_move_is_listed_on_its_own_and_not_made_unless_ticked(world, family):
    home, other = family
    rows = [husband_row("1单元1601", phone="13900002222")]
    preview = run(world, rows, dry_run=True)
    assert [(m["name"], m["row"]) for m in preview.moves] == [("李建国", preview.moves[0]["row"])]
    move = preview.moves[0]
    assert move["person"] == world.person("李建国").pk
    assert "903" in move["from"] and "1601" in move["to"]

    result = run(world, rows)
    husband = world.person("李建国")
    assert husband.household_id == home.pk  # not ticked: stays with his wife and son
    assert husband.relation_to_head == Relation.HEAD
    assert husband.phone().endswith("13900002222")  # the other changes still apply
    assert result.committed


def test_a_ticked_move_moves_the_person(world, family):
    _home, other = family
    husband = world.person("李建国")
    run(world, [husband_row("1单元1601")], allow_moves=[husband.pk])
    assert world.person("李建国").household_id == other.pk


def test_the_preview_lists_every_changed_field_old_to_new_masked(world, family):
    rows = [[1, "李建国", "男", HUSBAND, "13900002222", "1号楼", "1单元903", "户主", "新备注"]]
    result = run(world, rows, dry_run=True)
    assert len(result.updates) == 1
    update = result.updates[0]
    assert update["name"] == "李建国"
    assert update["changes"]["phone"] == ["138****1111", "139****2222"]
    assert update["changes"]["notes"] == ["", "新备注"]
    assert "household" not in update["changes"]
