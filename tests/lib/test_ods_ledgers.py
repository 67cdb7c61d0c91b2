"""An OpenDocument spreadsheet (.ods), as LibreOffice and WPS save it, is read like an
.xlsx: its header row found, its cells as text, its ID numbers intact."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from shoumen.ledgers.importing import ledger_import
from shoumen.lib.excel import SUPPORTED_SUFFIXES, UnreadableFile, read_table
from shoumen.registry.models import Person
from tests.ledgers.ledgers import resident_id

ZHANG = resident_id("19800101", 1, male=True)
LI = resident_id("19851231", 2, male=False)

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2"
  manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body><office:spreadsheet>{sheets}</office:spreadsheet></office:body>
</office:document-content>"""


def _cell(value) -> str:
    if isinstance(value, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(value)}</text:p></table:table-cell>"
    )


def ods(sheets: dict[str, list[list]]) -> bytes:
    """A minimal but complete .ods file: the mimetype first and stored, a manifest and the
    content."""
    body = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", CONTENT.format(sheets=body), zipfile.ZIP_DEFLATED)
    return out.getvalue()


LEDGER = [
    ["光华社区居民信息台账"],
    ["序号", "姓名", "身份证号", "联系电话", "楼栋", "门牌号"],
    [1, "张三", ZHANG, "13800001111", "5号楼", "302"],
    [2, "李四", LI, "", "5号楼", "302"],
]


def test_ods_is_an_advertised_ledger_format():
    assert ".ods" in SUPPORTED_SUFFIXES


def test_an_ods_ledger_is_read_with_its_header_row_and_cells():
    table = read_table(ods({"说明": [["请按模板填写"]], "居民台账": LEDGER}), "台账.ods")
    assert table.sheet == "居民台账"
    assert table.sheets == ["说明", "居民台账"]
    assert table.headers == ["序号", "姓名", "身份证号", "联系电话", "楼栋", "门牌号"]
    assert table.header_row == 2
    rows = [(number, [str(v) for v in row]) for number, row in table.rows]
    assert [(number, row[1:3]) for number, row in rows] == [(3, ["张三", ZHANG]), (4, ["李四", LI])]


def test_a_named_sheet_of_an_ods_ledger_is_read():
    data = ods({"一组": LEDGER, "二组": [LEDGER[1], [1, "王五", ZHANG, "", "7号楼", "101"]]})
    table = read_table(data, "台账.ods", sheet="二组")
    assert [str(row[1]) for _, row in table.rows] == ["王五"]


@pytest.mark.django_db
def test_an_ods_ledger_imports_its_residents(world):
    ledger = [
        ["序号", "姓名", "性别", "身份证号", "联系电话", "楼栋", "单元", "门牌号", "与户主关系"],
        [1, "张三", "男", ZHANG, "13800001111", "5号楼", "2", "302", "户主"],
        [2, "李四", "女", LI, "", "5号楼", "2", "302", "配偶"],
    ]
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=ods({"居民台账": ledger}),
        filename="台账.ods",
    )
    assert result.committed and result.counts["new"] == 2, result.errors
    imported = Person.objects.filter(grid=world.grid_a, name__in=["张三", "李四"])
    assert imported.count() == 2


def test_a_broken_ods_is_refused_as_unreadable():
    with pytest.raises(UnreadableFile):
        read_table(ods({"居民台账": LEDGER})[:200], "台账.ods")
