"""The workbooks of an import: the error report of bad rows and the blank template."""

import datetime
import io
from typing import Any

from shoumen.ledgers.importing.checking import _Row
from shoumen.ledgers.importing.reading import REASON_HEADER, cell_text
from shoumen.lib.excel import Table

# ---------------------------------------------------------------- error report


def error_report_xlsx(table: Table, rows: list[_Row]) -> bytes:
    """The bad rows with their original columns plus a reason column, ready to fix and
    import again. The ID column is text so that Excel keeps every digit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet or "Sheet1")[:31])
    id_columns = {i for i, h in enumerate(table.headers) if h and _header_is_id(h)}
    sheet.append([*table.headers, str(REASON_HEADER)])
    for row in rows:
        if row.kind != "bad":
            continue
        out = []
        for i, value in enumerate(row.cells):
            if i in id_columns:
                cell = WriteOnlyCell(sheet, value=cell_text(value))
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(_xlsx_safe(value))
        reasons = "；".join(f"{e.column}: {e.reason}" if e.column else e.reason for e in row.errors)
        out.append(reasons)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_is_id(header: str) -> bool:
    from shoumen.lib.excel import guess_field

    return guess_field(header) == "id_number"


def _xlsx_safe(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses control characters other than tab and newlines.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    if isinstance(value, datetime.timedelta | datetime.time):
        return str(value)
    return value


# ---------------------------------------------------------------- the template


# Instructions on the template's second sheet (Chinese first: the users read Chinese).
TEMPLATE_INSTRUCTIONS = [
    "填写说明",
    "1. 第一行是表头，请勿修改列名；可以删除不需要的列（姓名必须保留）。",
    "2. 身份证号列已设为“文本”格式。请勿改为数字格式，否则后几位会丢失。",
    "3. 性别填“男”或“女”；有身份证号时可不填，由身份证号推出。",
    "4. 楼栋须是系统中已登记的楼栋（如“5号楼”）；单元、门牌号用于识别住户。",
    "5. 与户主关系填：户主、配偶、子女、父母、孙子女、兄弟姐妹、租户或其他。",
    "6. 人员类别可填：慢病、孕妇、残疾、独居，多个用顿号分隔。",
    "7. 导入社区台账时需填写“所属网格”列。",
    "8. 前两行是示例，导入前请删除。",
]
TEMPLATE_HEADERS = [
    "序号", "姓名", "性别", "身份证号", "联系电话", "所属网格", "楼栋", "单元", "门牌号",
    "与户主关系", "人员类别", "备注",
]  # fmt: skip
TEMPLATE_EXAMPLES = [
    [1, "张伟", "男", "110105198001010139", "13800001111", "光华第一网格", "5号楼", "2", "302",
     "户主", "慢病", ""],
    [2, "李娜", "女", "110105198202020245", "13900002222", "光华第一网格", "5号楼", "2", "302",
     "配偶", "", "示例"],
]  # fmt: skip


def ledger_template_xlsx() -> bytes:
    """The blank ledger: header row, the ID column formatted as text, two example rows and
    an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "居民台账"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    id_column = TEMPLATE_HEADERS.index("身份证号") + 1
    for example in TEMPLATE_EXAMPLES:
        sheet.append(example)
    # The whole ID column is text, including the rows still to be typed.
    for row in range(2, 1001):
        sheet.cell(row=row, column=id_column).number_format = "@"
    letter = sheet.cell(row=1, column=id_column).column_letter
    sheet.column_dimensions[letter].width = 22
    sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    info = workbook.create_sheet("填写说明")
    for line in TEMPLATE_INSTRUCTIONS:
        info.append([line])
    info.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
