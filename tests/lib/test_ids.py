import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shoumen.lib.ids import (
    ERR_ID_BIRTH_DATE,
    ERR_ID_CHECKSUM,
    ERR_ID_FORMAT,
    ERR_ID_FUTURE,
    ERR_ID_LENGTH,
    InvalidIdNumber,
    id_check_digit,
    mask_id_number,
    normalize_id_number,
    parse_resident_id,
)

TODAY = datetime.date(2026, 11, 22)
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
areas = st.sampled_from(["110105", "310104", "440305", "510107", "650102"])
sequences = st.integers(min_value=0, max_value=999)


def _make(area: str, birth: datetime.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


@given(areas, birth_dates, sequences)
def test_valid_numbers_parse_with_birth_date_and_sex(area, birth, seq):
    parsed = parse_resident_id(_make(area, birth, seq), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(areas, birth_dates, sequences, st.sampled_from([" ", "\u3000", "\t"]))
def test_fullwidth_spaced_lowercase_input_normalises_to_the_same_number(area, birth, seq, space):
    number = _make(area, birth, seq)
    typed = space + number[:6] + space + number[6:].translate(FULLWIDTH) + space
    assert parse_resident_id(typed, today=TODAY).number == number


@given(areas, birth_dates, sequences, st.integers(min_value=0, max_value=16))
def test_any_single_digit_change_is_rejected(area, birth, seq, position):
    number = _make(area, birth, seq)
    digit = str((int(number[position]) + 1) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(InvalidIdNumber):
        parse_resident_id(changed, today=TODAY)


@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes_the_parser(text):
    try:
        parse_resident_id(text, today=TODAY)
    except InvalidIdNumber as exc:
        assert exc.message in {
            ERR_ID_LENGTH,
            ERR_ID_FORMAT,
            ERR_ID_CHECKSUM,
            ERR_ID_BIRTH_DATE,
            ERR_ID_FUTURE,
        }


def test_future_birth_date_is_rejected():
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(_make("110105", datetime.date(2027, 1, 1), 1), today=TODAY)
    assert exc.value.message == ERR_ID_FUTURE


def test_impossible_birth_date_is_rejected():
    first17 = "11010519900230001"
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(first17 + id_check_digit(first17), today=TODAY)
    assert exc.value.message == ERR_ID_BIRTH_DATE


def test_wrong_check_digit_is_explained():
    number = _make("110105", datetime.date(1990, 1, 1), 12)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidIdNumber) as exc:
        parse_resident_id(wrong, today=TODAY)
    assert exc.value.message == ERR_ID_CHECKSUM


def test_lowercase_x_becomes_uppercase():
    assert normalize_id_number("11010519720707001x") == "11010519720707001X"


def test_mask_keeps_area_and_last_four():
    assert mask_id_number("11010519720707001X") == "110105********001X"
    assert mask_id_number("E12345678") == "*****5678"


def _outcome(raw: str):
    try:
        parsed = parse_resident_id(raw, today=TODAY)
    except InvalidIdNumber as exc:
        return str(exc.message)
    return parsed


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_plain_numbers_checked_directly_get_the_same_answer_as_typed_ones(number):
    # A leading space sends the number through normalisation and stdnum, the long way.
    assert _outcome(number) == _outcome(" " + number)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_digit_is_stdnums(first17):
    from stdnum.cn import ric

    from shoumen.lib.ids import _check_digit

    assert _check_digit(first17) == ric.calc_check_digit(first17 + "0")
