"""Errors shared by services, pages and the API."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ERR_OUT_OF_SCOPE = _("This is outside your jurisdiction.")
ERR_NOT_ALLOWED = _("Your role does not allow this.")
ERR_REASON_REQUIRED = _("Please give a reason; it is recorded in the audit log.")


def deny(message=ERR_NOT_ALLOWED) -> PermissionDenied:
    return PermissionDenied(message)
