"""Searches by a whole document number that find nobody are limited per user: the few
numbers a masked one leaves could otherwise be tried one after another (each is audited)."""

from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

DOCUMENT_SEARCH_GROUP = "registry-document-search"
DOCUMENT_SEARCH_MISS_RATE = "20/h"
ERR_DOCUMENT_SEARCH_LIMIT = _(
    "Too many searches for a whole ID number found nobody in the last hour; "
    "please search by name or try again later."
)


def _user_key(group, request) -> str:
    user = getattr(request, "auth", None) or request.user
    return str(user.pk)


def _usage(request, *, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=DOCUMENT_SEARCH_GROUP,
        key=_user_key,
        rate=DOCUMENT_SEARCH_MISS_RATE,
        increment=increment,
    )


def document_search_refused(request) -> int:
    """Seconds until the user may search by whole number again; 0 when they may now."""
    usage = _usage(request, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    return max(usage["time_left"], 1)


def document_search_missed(request) -> None:
    """Count a search by whole number that found nobody."""
    _usage(request, increment=True)
