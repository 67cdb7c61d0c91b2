"""Class rosters (班级花名册) imported through the ledger import."""

KIND = "class_roster"
TEMPLATE_NAME = "班级花名册模板.xlsx"
TEMPLATE_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "班级",
    "是否住校",
    "监护人",
    "监护人电话",
]


def roster_template_xlsx() -> bytes:
    from shoumen.lib.xlsx import write_ledger

    return write_ledger(sheet_name="班级花名册", headers=TEMPLATE_HEADERS, rows=[])
