"""Reading exported registers back in tests."""

import csv
import datetime
import io
import zipfile

from openpyxl import load_workbook

from shoumen.registry.household_services import building_create, household_create
from shoumen.registry.models import DocumentType, Relation
from shoumen.registry.services import person_register

NAME_COLUMN = 6  # 姓名, counted from 0
ID_COLUMN = 12
PHONE_COLUMN = 13


def xlsx_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def xlsx_rows(content: bytes) -> list[list[object]]:
    """The data rows (below the title and header) as plain values."""
    sheet = xlsx_sheet(content)
    return [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]


def xml_text(content: bytes) -> str:
    """Every XML part of an .xlsx, concatenated: what a plaintext search must not find."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist())


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def child(actor, household, name, relation=Relation.CHILD, **extra):
    return person_register(
        actor=actor,
        household=household,
        name=name,
        sex="F",
        birth_date=datetime.date(2015, 5, 5),
        document_type=DocumentType.NONE,
        relation_to_head=relation,
        **extra,
    )


def add_households(world):
    """Two more households in grid A: one in an earlier building whose head was registered
    after a child, and one at a lower door of building 5."""
    admin = world.admin_user
    b3 = building_create(actor=admin, grid=world.grid_a, name="3号楼", units=1)
    h3 = household_create(actor=admin, grid=world.grid_a, building=b3, unit="1", door_number="102")
    child(admin, h3, "张小")
    child(admin, h3, "张大", relation=Relation.HEAD)
    h201 = household_create(
        actor=admin, grid=world.grid_a, building=world.building_a, unit="2", door_number="201"
    )
    child(admin, h201, "赵一", relation=Relation.HEAD)
