"""Errors shared by services, pages and the API."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.lib.text import clean_line

ERR_OUT_OF_SCOPE = _("This is outside your jurisdiction.")
ERR_NOT_ALLOWED = _("Your role does not allow this.")
ERR_REASON_REQUIRED = _("Please give a reason; it is recorded in the audit log.")


def deny(message=ERR_NOT_ALLOWED) -> PermissionDenied:
    return PermissionDenied(message)


ERR_TOO_LONG = _("Use at most %(max)d characters.")


def length_errors(model, values: dict) -> dict[str, list]:
    """Field errors for text values longer than the model's column allows."""
    errors: dict[str, list] = {}
    for field, value in values.items():
        limit = model._meta.get_field(field).max_length
        if limit is not None and isinstance(value, str) and len(value) > limit:
            errors[field] = [ERR_TOO_LONG % {"max": limit}]
    return errors


def clean_reason(reason: str) -> str:
    """A reason for the audit log: one clean line of at least two characters."""
    reason = clean_line(reason or "")
    if len(reason) < 2:
        raise ValidationError({"reason": [ERR_REASON_REQUIRED]})
    return reason
