"""The blank class roster (班级花名册) to fill in and import: its header row, the ID column
formatted as text, an example row and the instructions."""

from shoumen.lib.xlsx import LedgerWorkbook

TEMPLATE_NAME = "班级花名册模板.xlsx"
TEMPLATE_HEADERS = [
    "序号", "姓名", "性别", "出生日期", "身份证号", "班级", "是否住校", "监护人", "监护人电话",
]  # fmt: skip
TEMPLATE_EXAMPLES = [
    [1, "张小明", "男", "2019-03-01", "110105201903010015", "一年级1班", "否", "张伟",
     "13800001111"],
]  # fmt: skip
TEMPLATE_INSTRUCTIONS = [
    "填写说明",
    "1. 第一行是表头，请勿修改列名；姓名、班级两列必须保留。",
    "2. 身份证号列已设为“文本”格式，请勿改为数字格式，否则后几位会丢失。",
    "3. 性别填“男”或“女”；有身份证号时可不填，由身份证号推出。出生日期按 2019-03-01 填写。",
    "4. 班级填系统中的班级名称（如“一年级1班”）；系统中没有的班级默认不导入。",
    "5. 是否住校填“是”或“否”，不填为否。",
    "6. 监护人电话填手机号；填了电话须同时填监护人姓名。",
    "7. 第二行是示例，导入前请删除。",
]


def roster_template_xlsx() -> bytes:
    """The blank roster: header row, the ID column as text, an example row, instructions."""
    workbook = LedgerWorkbook()
    id_column = TEMPLATE_HEADERS.index("身份证号")
    widths: list[float | None] = [None] * len(TEMPLATE_HEADERS)
    widths[id_column] = 22
    sheet = workbook.sheet(
        "班级花名册", headers=TEMPLATE_HEADERS, widths=widths, text_columns={id_column}
    )
    sheet.extend(TEMPLATE_EXAMPLES)
    sheet.append_blank_text_rows(1000 - 1 - len(TEMPLATE_EXAMPLES))
    info = workbook.sheet("填写说明", widths=[90])
    info.extend([line] for line in TEMPLATE_INSTRUCTIONS)
    return workbook.save()
