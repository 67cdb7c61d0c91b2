"""No export ever writes a formula: text typed by residents, workers or anonymous visitors
that starts like a formula (=, +, -, @) reaches every .xlsx the project writes as the text
that was typed."""

import csv
import datetime
import io
import uuid
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.checkpoints.models import Checkpoint
from shoumen.ledgers.export_services import FORMAT_CSV, FORMAT_XLSX, register_export
from shoumen.ledgers.importing import ledger_import
from shoumen.lib.xlsx import LedgerWorkbook, csv_safe, sheet_title, write_ledger
from shoumen.observation.models import Reason
from shoumen.observation.reports import FOLLOW_UP, KEY_PERSONS, observation_ledger_export
from shoumen.registry.household_services import household_create
from shoumen.registry.models import Person
from shoumen.screening.models import Outcome, VisitTask
from shoumen.screening.services import round_create, visit_record
from tests.alerts.helpers import DAY, at, observe, report
from tests.ledgers.export_helpers import child
from tests.personas import ID_SHAN

HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = (HYPERLINK, "+1+1", "-2+3", "@SUM(A1)")

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def cells(content: bytes) -> list:
    """Every written cell of every sheet, read back with openpyxl."""
    book = load_workbook(io.BytesIO(content))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def assert_no_formula(content: bytes, *expected_texts: str) -> None:
    """No formula cell (read back, and no <f> element in any sheet's XML), and each
    expected text is a text cell exactly as typed."""
    written = cells(content)
    assert [c.coordinate for c in written if c.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
    texts = {c.value: c.data_type for c in written if isinstance(c.value, str)}
    for text in expected_texts:
        assert texts.get(text) == "s", text


# ---------------------------------------------------------------- the writer itself


def test_text_that_starts_like_a_formula_is_written_as_text():
    content = write_ledger(
        sheet_name="S", title=HYPERLINK, headers=["=A1", "b", "c", "d"], rows=[HOSTILE]
    )
    assert_no_formula(content, *HOSTILE, HYPERLINK, "=A1")
    quoted = [c.quotePrefix for c in cells(content) if c.value in HOSTILE and c.row == 3]
    assert quoted == [True, True, True, True]


def test_error_codes_typed_as_text_stay_text():
    content = write_ledger(sheet_name="S", headers=["a", "b"], rows=[["#REF!", "#N/A"]])
    assert {c.value: c.data_type for c in cells(content)}["#REF!"] == "s"
    assert_no_formula(content, "#REF!", "#N/A")


def test_a_plain_negative_number_in_a_note_stays_the_text_minus_one():
    content = write_ledger(sheet_name="S", headers=["note"], rows=[["-1"], ["-0.5"]])
    assert [(c.value, c.data_type) for c in cells(content)][1:] == [("-1", "s"), ("-0.5", "s")]
    assert csv_safe("-1") == "-1" and csv_safe("+86") == "+86"
    assert csv_safe("-2+3") == "'-2+3" and csv_safe(HYPERLINK) == "'" + HYPERLINK


def test_real_numbers_dates_and_booleans_keep_their_type():
    when = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
    row = [3, 36.6, datetime.date(2026, 11, 20), when, True, float("nan")]
    content = write_ledger(sheet_name="S", headers=list("abcdef"), rows=[row])
    values = [c for c in cells(content) if c.row == 2]
    assert [c.data_type for c in values] == ["n", "n", "d", "d", "b", "s"]
    assert values[3].value == datetime.datetime(2026, 11, 20, 10, 0)  # Shanghai time
    assert values[5].value == "nan"


def test_control_characters_a_workbook_cannot_hold_are_dropped():
    content = write_ledger(sheet_name="S", headers=["a"], rows=[["张\x00三\x07\t说明\n"]])
    assert [c.value for c in cells(content)][1] == "张三\t说明\n"


def test_text_columns_keep_every_digit_and_are_formatted_as_text():
    content = write_ledger(
        sheet_name="S", headers=["id", "n"], rows=[["0011", 5]], text_columns={0, 1}
    )
    row = [c for c in cells(content) if c.row == 2]
    assert [(c.value, c.data_type, c.number_format) for c in row] == [
        ("0011", "s", "@"),
        ("5", "s", "@"),
    ]


def test_a_sheet_name_with_characters_excel_refuses_is_made_valid():
    assert sheet_title("a/b:c[1]?*") == "a_b_c_1___"
    assert sheet_title("") == "Sheet1"
    assert len(sheet_title("长" * 40)) == 31
    workbook = LedgerWorkbook()
    workbook.sheet("=a/b", headers=["x"]).append([HYPERLINK])
    assert load_workbook(io.BytesIO(workbook.save())).sheetnames == ["=a_b"]


# ---------------------------------------------------------------- every export


@pytest.mark.django_db
def test_the_resident_register_writes_no_formula(world):
    for index, text in enumerate(HOSTILE):
        child(world.admin_user, world.household_a, f"钱{index}", notes=text)
    household_create(actor=world.admin_user, grid=world.grid_a, address="@地址")
    export = register_export(actor=world.community_staff, org_unit=world.grid_a, fmt=FORMAT_XLSX)
    assert_no_formula(export.content, *HOSTILE)
    csv_text = register_export(
        actor=world.community_staff, org_unit=world.grid_a, fmt=FORMAT_CSV
    ).content.decode("utf-8-sig")
    for text in HOSTILE:
        assert f"'{text}" in csv_text.replace('""', '"')


@pytest.mark.django_db
def test_the_household_register_by_address_writes_no_formula(world):
    household = household_create(actor=world.admin_user, grid=world.grid_a, address=HYPERLINK)
    child(world.admin_user, household, "门户", relation="head", notes="-1")
    export = register_export(actor=world.community_staff, org_unit=world.grid_a, fmt=FORMAT_XLSX)
    assert_no_formula(export.content, HYPERLINK, "-1")


@pytest.mark.django_db
@pytest.mark.parametrize("ledger", [KEY_PERSONS, FOLLOW_UP])
def test_the_key_person_ledger_and_follow_up_sheet_write_no_formula(world, ledger):
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan, reason=Reason.RISK_AREA, risk_area=HYPERLINK, arrival_date=DAY)
        observe(world, world.zeng, reason=Reason.RISK_AREA, risk_area="+1+1", arrival_date=DAY)
        report(world, world.shan)
    # Names come from ledgers typed by many hands.
    Person.objects.filter(pk=world.shan.pk).update(name="@SUM(A1)")
    Person.objects.filter(pk=world.zeng.pk).update(name="-2+3")
    with time_machine.travel(at(18), tick=False):
        file = observation_ledger_export(
            actor=world.community_staff, org_unit=world.community, ledger=ledger, day=DAY
        )
    expected = ("@SUM(A1)", "-2+3") + ((HYPERLINK, "+1+1") if ledger == KEY_PERSONS else ())
    assert_no_formula(file.content, *expected)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_screening_ledger_writes_no_formula(world, login):
    household_create(actor=world.admin_user, grid=world.grid_a, address="@SUM(A1)")
    round_ = round_create(
        actor=world.street_officer,
        scope=world.street,
        name="=走访",
        starts_on=NOW.date(),
        ends_on=NOW.date(),
    )
    tasks = VisitTask.objects.filter(round=round_, grid=world.grid_a).order_by("pk")
    for task, need in zip(tasks, (HYPERLINK, "+1+1", "-2+3"), strict=False):
        visit_record(
            actor=world.grid_worker,
            task=task,
            client_uuid=uuid.uuid4(),
            outcome=Outcome.VISITED,
            method="in_person",
            service_need=need,
            visited_at=NOW,
        )
    response = login(world.community_staff).post(reverse("screening:ledger", args=[round_.pk]))
    assert response.status_code == 200
    assert_no_formula(response.content, "@SUM(A1)", HYPERLINK, "+1+1")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_checkpoint_ledger_writes_what_an_anonymous_visitor_typed_as_text(world, client, login):
    gate = Checkpoint.objects.create(community=world.community, name="北门")
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    for name, reason, visiting in (
        (HYPERLINK, "+1+1", "-2+3"),
        ("@SUM(A1)", HYPERLINK, "=1+1"),
    ):
        form = {
            "client_uuid": str(uuid.uuid4()),
            "name": name,
            "phone": "13912345678",
            "building": "",
            "unit": "",
            "door_number": "",
            "visiting": visiting,
            "reason": reason,
            "temperature": "36.6",
        }
        assert client.post(url, form).status_code == 200
    response = login(world.volunteer).get(
        reverse("checkpoints:ledger", args=[gate.pk]), {"day": "2026-11-20"}
    )
    assert response.status_code == 200
    assert_no_formula(response.content, "+1+1", "-2+3", HYPERLINK, "=1+1")
    names = [c.value for c in cells(response.content) if c.column == 4 and c.row > 2]
    assert all(name.startswith(("=", "@")) for name in names)  # masked, still text


@pytest.mark.django_db
def test_the_import_error_report_writes_no_formula(world):
    bad_id = ID_SHAN[:17] + ("0" if ID_SHAN[17] != "0" else "1")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "姓名", "性别", "身份证号", "楼栋", "单元", "门牌号", "备注"])
    for number, text in enumerate(HOSTILE, start=1):
        writer.writerow([number, "王五", "男", bad_id, "5号楼", "2", "303", text])
    writer.writerow([9, "@SUM(A1)", "男", "=1+1", "5号楼", "2", "303", "-1"])
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=out.getvalue().encode(),
        filename="台账.csv",
        dry_run=True,
    )
    assert result.counts["bad"] == 5
    assert_no_formula(result.error_report, *HOSTILE, "@SUM(A1)", "=1+1", "-1")


def test_every_xlsx_the_project_writes_goes_through_the_safe_writer():
    package = Path(__file__).resolve().parents[2] / "shoumen"
    writers = sorted(
        str(path.relative_to(package.parent))
        for path in package.rglob("*.py")
        if "openpyxl" in path.read_text(encoding="utf-8")
    )
    assert writers == ["shoumen/lib/xlsx.py"]
