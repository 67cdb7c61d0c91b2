"""Resident ID numbers (居民身份证号码): normalise, validate, derive sex and birth date."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from shoumen.lib.text import strip_all_spaces, to_halfwidth

ERR_ID_LENGTH = _("A resident ID number has 18 characters.")
ERR_ID_FORMAT = _("A resident ID number is 17 digits followed by a digit or X.")
ERR_ID_CHECKSUM = _("The last character (check digit) does not match; please check the number.")
ERR_ID_BIRTH_DATE = _("The birth date in this ID number is not a real date.")
ERR_ID_FUTURE = _("The birth date in this ID number is in the future.")


class InvalidIdNumber(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def normalize_id_number(raw: str) -> str:
    """Full-width digits to half-width, spaces removed, lower-case x to X."""
    return strip_all_spaces(to_halfwidth(raw)).upper()


# An ID number as most are typed: 17 ASCII digits and a digit or X, nothing to normalise.
_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]")


def _check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 over 17 ASCII digits (the formula of stdnum's ``calc_check_digit``:
    the weights 2**(17-i) mod 11 are the powers of 2 read in base 13)."""
    checksum = (1 - 2 * int(first17, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def parse_resident_id(raw: str, *, today: datetime.date) -> ResidentId:
    """Validate an 18-character resident ID number; raise InvalidIdNumber with a reason."""
    if _PLAIN_ID.fullmatch(raw):
        # The common case, checked directly (bulk imports check 100,000 numbers at once);
        # anything else (full-width digits, spaces, lower-case x) goes the long way.
        try:
            birth_date = datetime.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
        except ValueError:
            raise InvalidIdNumber(ERR_ID_BIRTH_DATE) from None
        if birth_date > today:
            raise InvalidIdNumber(ERR_ID_FUTURE)
        if _check_digit(raw[:17]) != raw[17]:
            raise InvalidIdNumber(ERR_ID_CHECKSUM)
        return ResidentId(number=raw, birth_date=birth_date, sex="M" if int(raw[16]) % 2 else "F")
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise InvalidIdNumber(ERR_ID_LENGTH)
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise InvalidIdNumber(ERR_ID_FORMAT)
    try:
        birth_date = ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        raise InvalidIdNumber(ERR_ID_BIRTH_DATE) from None
    if birth_date > today:
        raise InvalidIdNumber(ERR_ID_FUTURE)
    # Only the check digit, not stdnum's full validate(): that also looks the area code up
    # in its own table, which is slow in bulk imports, and real area codes change over time,
    # so an unknown area is accepted anyway.
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidIdNumber(ERR_ID_CHECKSUM)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth_date, sex=sex)


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 digits."""
    return ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit


def mask_id_number(number: str) -> str:
    """110105199001010023 -> 110105********0023; other documents keep only the last 4."""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]
