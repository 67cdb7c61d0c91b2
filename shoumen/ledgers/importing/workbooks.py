"""The workbooks of an import: the error report of bad rows and the blank template."""

import datetime
from typing import Any

from shoumen.ledgers.importing.checking import _Row
from shoumen.ledgers.importing.reading import REASON_HEADER, cell_text
from shoumen.lib.excel import Table, guess_field
from shoumen.lib.xlsx import LedgerWorkbook

# ---------------------------------------------------------------- error report


def error_report_xlsx(table: Table, rows: list[_Row]) -> bytes:
    """The bad rows with their original columns plus a reason column, ready to fix and
    import again, written by the one safe cell writer (no cell is a formula). The ID
    column is text so that Excel keeps every digit."""
    workbook = LedgerWorkbook()
    id_columns = {i for i, h in enumerate(table.headers) if h and guess_field(h) == "id_number"}
    sheet = workbook.sheet(
        table.sheet, headers=[*table.headers, str(REASON_HEADER)], text_columns=id_columns
    )
    for row in rows:
        if row.kind != "bad":
            continue
        out = [
            cell_text(value) if i in id_columns else _plain(value)
            for i, value in enumerate(row.cells)
        ]
        out += [None] * (len(table.headers) - len(out))
        out.append(
            "；".join(f"{e.column}: {e.reason}" if e.column else e.reason for e in row.errors)
        )
        sheet.append(out)
    return workbook.save()


def _plain(value: Any) -> Any:
    """A durations read from a sheet goes back as text (a cell holds no timedelta)."""
    return str(value) if isinstance(value, datetime.timedelta) else value


# ---------------------------------------------------------------- the template


# Instructions on the template's second sheet (Chinese first: the users read Chinese).
TEMPLATE_INSTRUCTIONS = [
    "填写说明",
    "1. 第一行是表头，请勿修改列名；可以删除不需要的列（姓名必须保留）。",
    "2. 身份证号列已设为“文本”格式。请勿改为数字格式，否则后几位会丢失。",
    "3. 性别填“男”或“女”；有身份证号时可不填，由身份证号推出。",
    "4. 楼栋填楼号（如“5号楼”），系统中还没有的楼栋导入时新建（预览中列出）；"
    "单元、门牌号用于识别住户，“1单元903”也可以写在门牌号一列。",
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
    workbook = LedgerWorkbook()
    id_column = TEMPLATE_HEADERS.index("身份证号")
    widths: list[float | None] = [None] * len(TEMPLATE_HEADERS)
    widths[id_column] = 22
    sheet = workbook.sheet(
        "居民台账", headers=TEMPLATE_HEADERS, widths=widths, text_columns={id_column}
    )
    sheet.extend(TEMPLATE_EXAMPLES)
    # The whole ID column is text, including the rows still to be typed.
    sheet.append_blank_text_rows(1000 - 1 - len(TEMPLATE_EXAMPLES))
    info = workbook.sheet("填写说明", widths=[90])
    info.extend([line] for line in TEMPLATE_INSTRUCTIONS)
    return workbook.save()
