"""Free text keeps what people typed; only numbers are normalised."""

from shoumen.ledgers.importing import ledger_import
from shoumen.registry.models import Household
from tests.ledgers.ledgers import csv_bytes, resident_id

HEADERS = ["姓名", "身份证号", "联系电话", "住址", "门牌号", "与户主关系", "备注"]
NOTE = "已联系家属，120送…"


def test_a_note_keeps_its_full_width_comma_and_ellipsis(world):
    number = resident_id("19800101", 60, male=False)
    row = ["刘芳", f" {number[:6]} {number[6:]}", "１３８００００３３３３", "幸福路１２号（东门）"]
    row += ["２０１室", "户主", f"  {NOTE}\x07 "]
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=csv_bytes([row], headers=HEADERS),
        filename="台账.csv",
    )
    assert result.committed, result.errors
    person = world.person("刘芳")
    assert person.notes == NOTE
    assert person.id_number() == number  # numbers are normalised
    assert person.phone().endswith("13800003333")
    household = Household.objects.get(pk=person.household_id)
    assert household.address == "幸福路１２号（东门）"  # the address as typed
    assert household.door_number == "201"
