"""Each kind of bad row, with the exact reason, and where it is: sheet, Excel row number,
column and the value masked."""

import re

import pytest

from shoumen.ledgers.importing import (
    ERR_DATE_UNREADABLE,
    ERR_GRID_REQUIRED,
    ERR_GRID_UNKNOWN,
    ERR_HEAD_TWICE,
    ERR_ID_AS_NUMBER,
    ERR_ID_TWICE,
    ERR_SEX_UNKNOWN,
    RowError,
    ledger_import,
)
from shoumen.lib.ids import (
    ERR_ID_BIRTH_DATE,
    ERR_ID_CHECKSUM,
    ERR_ID_FUTURE,
    ERR_ID_LENGTH,
)
from shoumen.lib.phones import ERR_PHONE_INVALID
from shoumen.registry.household_services import ERR_BUILDING_OR_ADDRESS
from shoumen.registry.models import Sex
from shoumen.registry.services import (
    ERR_BIRTH_FUTURE,
    ERR_DUPLICATE_OUT_OF_SCOPE,
    ERR_HEAD_TAKEN,
    ERR_NAME_REQUIRED,
    ERR_SEX_MISMATCH,
)
from tests.ledgers.ledgers import HEADERS, resident_id, today_plus, xlsx
from tests.personas import ID_OUTSIDER

GOOD_ID = resident_id("19800101", 1, male=True)


def row(**overrides):
    """One data row under HEADERS, good unless overridden."""
    values = {
        "序号": 1,
        "姓名": "张三",
        "性别": "男",
        "身份证号": GOOD_ID,
        "联系电话": "13800001111",
        "楼栋": "5号楼",
        "单元": "2",
        "门牌号": "302",
        "与户主关系": "户主",
        "备注": "",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def check(world, rows, *, org_unit=None, actor=None, filename="台账.xlsx", data=None, **kwargs):
    return ledger_import(
        actor=actor or world.community_staff,
        org_unit=org_unit or world.grid_a,
        data=data if data is not None else xlsx(rows),
        filename=filename,
        dry_run=True,
        **kwargs,
    )


def only_error(result) -> RowError:
    assert result.counts["bad"] == 1, result.errors
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_a_good_row_is_not_bad(world):
    result = check(world, [row()])
    assert result.counts == {"new": 1, "updated": 0, "unchanged": 0, "bad": 0}
    assert result.errors == []


def test_id_stored_as_a_number_says_to_format_the_column_as_text(world):
    result = check(world, [row(身份证号=110105198001010139)])
    error = only_error(result)
    assert error.reason == str(ERR_ID_AS_NUMBER)
    assert (error.sheet, error.row, error.column) == ("居民台账", 4, "身份证号")
    # What is left of the number, masked like any ID number.
    assert re.fullmatch(r"110105\*{8}\d{4}", error.value)


def test_id_in_scientific_notation_text_is_a_number_that_lost_its_digits(world):
    error = only_error(check(world, [row(身份证号="1.10105E+17")]))
    assert error.reason == str(ERR_ID_AS_NUMBER)


def test_wrong_checksum(world):
    wrong = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
    error = only_error(check(world, [row(身份证号=wrong)]))
    assert error.reason == str(ERR_ID_CHECKSUM)
    assert error.column == "身份证号"
    assert error.value == wrong[:6] + "********" + wrong[-4:]


def test_wrong_length(world):
    error = only_error(check(world, [row(身份证号=GOOD_ID[:15])]))
    assert error.reason == str(ERR_ID_LENGTH)


def test_impossible_birth_date_in_the_id(world):
    bad = resident_id("19800230", 1, male=True)
    error = only_error(check(world, [row(身份证号=bad)]))
    assert error.reason == str(ERR_ID_BIRTH_DATE)


def test_birth_date_in_the_future_in_the_id(world):
    day = today_plus(40)
    future = resident_id(day.strftime("%Y%m%d"), 1, male=True)
    error = only_error(check(world, [row(身份证号=future)]))
    assert error.reason == str(ERR_ID_FUTURE)


def test_birth_date_column_in_the_future_without_an_id(world):
    headers = [*HEADERS, "出生日期"]
    data = xlsx([[*row(身份证号=""), today_plus(3).isoformat()]], headers=headers)
    error = only_error(check(world, [], data=data))
    assert error.reason == str(ERR_BIRTH_FUTURE)
    assert error.column == "出生日期"


def test_unreadable_birth_date(world):
    headers = [*HEADERS, "出生日期"]
    data = xlsx([[*row(身份证号=""), "八十年代"]], headers=headers)
    error = only_error(check(world, [], data=data))
    assert error.reason == str(ERR_DATE_UNREADABLE)


def test_sex_column_contradicting_the_id(world):
    error = only_error(check(world, [row(性别="女")]))
    assert error.reason == str(ERR_SEX_MISMATCH % {"sex": Sex.MALE.label})
    assert (error.column, error.value) == ("性别", "女")


def test_sex_that_is_neither_male_nor_female(world):
    error = only_error(check(world, [row(性别="未知")]))
    assert error.reason == str(ERR_SEX_UNKNOWN)


def test_the_same_id_twice_in_the_file_marks_both_rows(world):
    result = check(world, [row(), row(序号=2, 姓名="张叁", 门牌号="303")])
    assert result.counts["bad"] == 2
    assert [e.reason for e in result.errors] == [str(ERR_ID_TWICE % {"rows": "4, 5"})] * 2
    assert [e.row for e in result.errors] == [4, 5]


def test_the_same_id_in_different_spellings_is_still_twice(world):
    spaced = " ".join([GOOD_ID[:6], GOOD_ID[6:14], GOOD_ID[14:]])
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in GOOD_ID)
    result = check(world, [row(身份证号=spaced), row(身份证号=fullwidth, 门牌号="303")])
    assert result.counts["bad"] == 2


def test_invalid_phone(world):
    error = only_error(check(world, [row(联系电话="1234")]))
    assert error.reason == str(ERR_PHONE_INVALID)
    assert error.column == "联系电话"
    assert error.value == "****"


def test_phone_is_masked_in_the_error(world):
    error = only_error(check(world, [row(联系电话="19999999999999")]))
    assert error.reason == str(ERR_PHONE_INVALID)
    assert error.value == "199*******9999"


def test_building_written_without_the_suffix_is_the_same_building(world):
    assert check(world, [row(楼栋="5")]).counts["bad"] == 0
    assert check(world, [row(楼栋="5栋")]).counts["bad"] == 0


def test_unknown_grid_when_importing_into_a_community(world):
    headers = [*HEADERS, "网格"]
    data = xlsx([[*row(), "光华第九网格"]], headers=headers)
    error = only_error(check(world, [], data=data, org_unit=world.community))
    assert error.reason == str(
        ERR_GRID_UNKNOWN % {"value": "光华第九网格", "unit": world.community.name}
    )
    assert error.column == "网格"


def test_grid_outside_the_file_unit_is_unknown(world):
    headers = [*HEADERS, "网格"]
    data = xlsx([[*row(), world.grid_b.name]], headers=headers)
    error = only_error(check(world, [], data=data))
    assert error.reason == str(
        ERR_GRID_UNKNOWN % {"value": world.grid_b.name, "unit": world.grid_a.name}
    )


def test_missing_grid_when_importing_into_a_community(world):
    headers = [*HEADERS, "网格"]
    data = xlsx([[*row(), ""]], headers=headers)
    error = only_error(check(world, [], data=data, org_unit=world.community))
    assert error.reason == str(ERR_GRID_REQUIRED)


def test_new_person_without_building_or_address(world):
    error = only_error(check(world, [row(楼栋="", 单元="", 门牌号="")]))
    assert error.reason == str(ERR_BUILDING_OR_ADDRESS)


def test_missing_name(world):
    error = only_error(check(world, [row(姓名="  ")]))
    assert error.reason == str(ERR_NAME_REQUIRED)
    assert error.column == "姓名"


def test_person_registered_outside_the_actor_scope(world):
    error = only_error(check(world, [row(身份证号=ID_OUTSIDER, 姓名="李强")]))
    assert error.reason == str(ERR_DUPLICATE_OUT_OF_SCOPE)


def test_two_heads_for_one_household_in_the_file(world):
    other = resident_id("19810101", 3, male=False)
    result = check(world, [row(), row(序号=2, 姓名="王五", 性别="女", 身份证号=other)])
    error = only_error(result)
    assert error.reason == str(ERR_HEAD_TWICE % {"row": 4})
    assert error.row == 5


def test_a_second_head_for_a_household_that_has_one(world):
    error = only_error(check(world, [row(门牌号="301")]))
    assert error.reason == str(ERR_HEAD_TAKEN % {"name": "单明"})


def test_every_error_of_a_row_is_reported_at_once(world):
    male = GOOD_ID
    wrong_check_digit = male[:17] + ("0" if male[17] != "0" else "1")
    headers = [*HEADERS, "出生日期"]
    bad = [
        *row(身份证号=wrong_check_digit, 性别="女", 联系电话="12", 楼栋="99号楼"),
        today_plus(30),
    ]
    result = check(world, [bad], data=xlsx([bad], headers=headers))
    assert result.counts["bad"] == 1
    assert sorted(e.reason for e in result.errors) == sorted(
        [
            str(ERR_ID_CHECKSUM),
            str(ERR_SEX_MISMATCH % {"sex": Sex.MALE.label}),
            str(ERR_PHONE_INVALID),
            str(ERR_BIRTH_FUTURE),
        ]
    )


def test_every_problem_of_a_row_is_reported(world):
    result = check(world, [row(联系电话="12", 楼栋="99号楼", 性别="?")])
    assert result.counts["bad"] == 1
    assert {e.column for e in result.errors} == {"性别", "联系电话"}


@pytest.mark.parametrize("bad", ["", "abc"])
def test_sex_blank_with_a_valid_id_comes_from_the_id(world, bad):
    result = check(world, [row(性别=bad)])
    assert result.counts["bad"] == (0 if bad == "" else 1)
