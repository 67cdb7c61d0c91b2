"""Phone numbers: validate for region CN, store as E.164, mask for display."""

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _

from shoumen.lib.text import strip_all_spaces, to_halfwidth

ERR_PHONE_INVALID = _("Enter a valid mobile or landline number, e.g. 13812345678.")


def _mobile_pattern() -> re.Pattern[str]:
    """A mainland mobile number as phonenumbers' own metadata describes it (11 digits
    matching both the general and the mobile pattern of region CN). Such a number is valid
    and its E.164 form is +86 and the digits: none starts with 0 or with a carrier or
    international prefix (11, 12, 179) that parsing would strip."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert meta is not None and meta.mobile is not None and meta.general_desc is not None
    general = meta.general_desc.national_number_pattern
    mobile = meta.mobile.national_number_pattern
    return re.compile(rf"(?=(?:{general})$)(?:{mobile})", re.ASCII)


_MOBILE = _mobile_pattern()


class InvalidPhone(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalize_phone(raw: str) -> str:
    """Return the number in E.164 (+8613812345678) or raise InvalidPhone."""
    cleaned = strip_all_spaces(to_halfwidth(raw)).replace("-", "")
    if len(cleaned) == 11 and cleaned.isascii() and _MOBILE.fullmatch(cleaned):
        # Most numbers are mobiles typed as 11 digits; phonenumbers takes ~20 µs for each.
        return "+86" + cleaned
    try:
        parsed = phonenumbers.parse(cleaned, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(ERR_PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(ERR_PHONE_INVALID)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    if e164.startswith("+86"):
        return e164[3:]
    return e164.lstrip("+")


def mask_phone(e164: str) -> str:
    """+8613812345678 -> 138****5678."""
    digits = national_digits(e164)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
