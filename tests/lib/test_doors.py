"""Unit and door numbers in one canonical form."""

import pytest

from shoumen.lib.doors import canonical_unit_door, chinese_number


@pytest.mark.parametrize(
    ("unit", "door"),
    [
        ("", "1单元903"),
        ("", "1-903"),
        ("", "1单元 903"),
        ("", "一单元903"),
        ("1", "903"),
        ("1单元", "903室"),
        ("一单元", "９０３"),
        ("01", "1-903"),
    ],
)
def test_every_way_of_writing_unit_1_door_903_is_one_form(unit, door):
    assert canonical_unit_door(unit, door) == ("1", "903")


def test_a_door_naming_another_unit_than_the_unit_column_is_kept_whole():
    assert canonical_unit_door("2", "1-903") == ("2", "1-903")


def test_a_door_without_a_unit_stays_as_it_is():
    assert canonical_unit_door("", "903") == ("", "903")
    assert canonical_unit_door("", "A座") == ("", "A座")


@pytest.mark.parametrize(
    ("text", "number"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23)]
)
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


def test_not_a_numeral():
    assert chinese_number("甲") is None
    assert chinese_number("一二") is None
