"""Unit (单元) and door numbers (门牌号) in one canonical form, so that "1单元903",
"1-903", "1单元 903" and "一单元903" (in a door column, with no unit given) all name unit
1, door 903, and a household is found however its address was typed."""

import re

from shoumen.lib.text import strip_all_spaces, to_halfwidth

_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERAL = r"(?:\d+|[零〇一二两三四五六七八九十]+)"
# A unit written into the door number: "1单元903", "一单元903室", "1-903".
_UNIT_IN_DOOR = re.compile(rf"^({_NUMERAL})单元(.+)$")
_UNIT_DASH_DOOR = re.compile(r"^(\d+)[-－—–](\d+[A-Za-z]?)$")


def chinese_number(text: str) -> int | None:
    """A whole number written in digits or in Chinese numerals up to 99 ("十二", "二十"),
    or None."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CHINESE_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        if len(text) != 1:
            return None
        return _CHINESE_DIGITS[text]
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def canonical_unit(text: str) -> str:
    """ "1", "1单元", "01", "一单元", "１单元" -> "1"; anything else as typed, without spaces."""
    value = strip_all_spaces(to_halfwidth(text or "")).removesuffix("单元")
    number = chinese_number(value)
    return str(number) if number is not None else value


def canonical_door(text: str) -> str:
    """ "903", "903室", " 903 " -> "903"."""
    value = strip_all_spaces(to_halfwidth(text or ""))
    return value.removesuffix("室") or value


def canonical_unit_door(unit: str, door: str) -> tuple[str, str]:
    """The unit and door of a household in canonical form. A unit written into the door
    number ("1单元903", "1-903") is taken out of it when no other unit is given (or the
    same one)."""
    unit_text = canonical_unit(unit)
    door_text = strip_all_spaces(to_halfwidth(door or ""))
    match = _UNIT_IN_DOOR.match(door_text) or _UNIT_DASH_DOOR.match(door_text)
    if match:
        inner = canonical_unit(match.group(1))
        if not unit_text or unit_text == inner:
            unit_text, door_text = inner, match.group(2)
    return unit_text, canonical_door(door_text)
