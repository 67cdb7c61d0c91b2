"""Phone numbers: validate for region CN, store as E.164, mask for display."""

import phonenumbers
from django.utils.translation import gettext_lazy as _

from shoumen.lib.text import strip_all_spaces, to_halfwidth

ERR_PHONE_INVALID = _("Enter a valid mobile or landline number, e.g. 13812345678.")


class InvalidPhone(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalize_phone(raw: str) -> str:
    """Return the number in E.164 (+8613812345678) or raise InvalidPhone."""
    cleaned = strip_all_spaces(to_halfwidth(raw)).replace("-", "")
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
