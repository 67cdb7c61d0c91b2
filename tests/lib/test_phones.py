import pytest
from hypothesis import given
from hypothesis import strategies as st

from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone

MOBILE_PREFIXES = ["130", "138", "139", "150", "158", "177", "186", "199"]


@given(st.sampled_from(MOBILE_PREFIXES), st.integers(min_value=0, max_value=99_999_999))
def test_mobile_numbers_are_stored_in_e164(prefix, rest):
    number = f"{prefix}{rest:08d}"
    assert normalize_phone(number) == "+86" + number


@given(st.sampled_from(MOBILE_PREFIXES), st.integers(min_value=0, max_value=99_999_999))
def test_spaces_dashes_fullwidth_and_country_code_are_accepted(prefix, rest):
    number = f"{prefix}{rest:08d}"
    fullwidth = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (f"{number[:3]} {number[3:7]} {number[7:]}", f"+86-{number}", fullwidth):
        assert normalize_phone(typed) == "+86" + number


@given(st.text(max_size=20))
def test_arbitrary_text_is_rejected_or_normalised(text):
    try:
        result = normalize_phone(text)
    except InvalidPhone:
        return
    assert result.startswith("+")


@pytest.mark.parametrize("bad", ["12345", "1381234567", "abc", "99999999999"])
def test_invalid_numbers_are_rejected(bad):
    with pytest.raises(InvalidPhone):
        normalize_phone(bad)


def test_landline_with_area_code_is_valid():
    assert normalize_phone("010-65123456") == "+861065123456"


def test_mask_shows_first_three_and_last_four():
    assert mask_phone("+8613812345678") == "138****5678"


@given(st.integers(min_value=10_000_000_000, max_value=19_999_999_999))
def test_every_eleven_digit_number_gets_phonenumbers_own_answer(value):
    import phonenumbers

    number = str(value)
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert normalize_phone(number) == expected
    else:
        with pytest.raises(InvalidPhone):
            normalize_phone(number)


@pytest.mark.parametrize("number", ["17951234567", "11012345678", "12512345678", "14012345678"])
def test_prefixes_outside_the_mobile_ranges_are_judged_by_phonenumbers(number):
    with pytest.raises(InvalidPhone):
        normalize_phone(number)
