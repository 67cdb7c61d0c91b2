"""Building real ledger files for the import tests: openpyxl workbooks with the layouts
community workers hand in, and CSV bytes in UTF-8 or GBK."""

import datetime
import io

from openpyxl import Workbook

from shoumen.lib.dates import today
from shoumen.lib.ids import id_check_digit

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "楼栋",
    "单元",
    "门牌号",
    "与户主关系",
    "备注",
]


def resident_id(birth: str, seq: int, *, male: bool, area: str = "110105") -> str:
    """A valid resident ID number: ``birth`` as YYYYMMDD, ``seq`` 0..99."""
    parity = (seq % 5) * 2 + (1 if male else 0)
    first17 = f"{area}{birth}{seq % 100:02d}{parity}"
    return first17 + id_check_digit(first17)


def xlsx(
    rows,
    *,
    headers=HEADERS,
    title: str | None = "光华社区居民信息台账",
    note: str | None = "填报单位：光华社区    填报日期：2026年11月",
    sheet: str = "居民台账",
    instructions_first: bool = False,
    hidden_columns: dict[str, list] | None = None,
    merge_down: list[tuple[int, int, int]] = (),
) -> bytes:
    """A workbook with optional title and note rows above the header, an instructions sheet
    and hidden columns (header letter -> values). ``merge_down`` holds (column, first data
    row index, last data row index), 1-based column, 0-based rows, merged in place."""
    workbook = Workbook()
    if instructions_first:
        info = workbook.active
        info.title = "填写说明"
        info.append(["说明"])
        info.append(["身份证号请设置为文本格式", "姓名", "身份证号"])
        data = workbook.create_sheet(sheet)
    else:
        data = workbook.active
        data.title = sheet
    offset = 0
    if title:
        data.append([title])
        data.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        offset += 1
    if note:
        data.append([note])
        offset += 1
    data.append(list(headers))
    header_row = offset + 1
    for row in rows:
        data.append(list(row))
    for column, first, last in merge_down:
        data.merge_cells(
            start_row=header_row + 1 + first,
            start_column=column,
            end_row=header_row + 1 + last,
            end_column=column,
        )
    for letter in hidden_columns or {}:
        data.column_dimensions[letter].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, headers=HEADERS, encoding="utf-8") -> bytes:
    lines = [",".join(headers)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def today_plus(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)
