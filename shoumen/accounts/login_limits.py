"""Failed logins counted per client address across every username: one address trying
many usernames (password spraying) is refused after ``LOGIN_ADDRESS_FAILURE_LIMIT``
failures within ``LOGIN_ADDRESS_WINDOW_SECONDS``. The per-username lockout is django-axes'.

Counted by django-ratelimit in the cache, with the client address read as the rate limits
and the audit read it (behind a proxy, from SHOUMEN_CLIENT_IP_HEADER)."""

from django.conf import settings
from django_ratelimit.core import get_usage

LOGIN_FAILURE_GROUP = "login-address-failures"


def _rate() -> str:
    return f"{settings.LOGIN_ADDRESS_FAILURE_LIMIT}/{settings.LOGIN_ADDRESS_WINDOW_SECONDS}s"


def _usage(request, *, increment: bool) -> dict | None:
    return get_usage(
        request, group=LOGIN_FAILURE_GROUP, key="ip", rate=_rate(), increment=increment
    )


def login_address_seconds_locked(request) -> int:
    """Seconds until the client's address may try again; 0 when it may try now."""
    usage = _usage(request, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    return max(int(usage["time_left"]), 1)


def login_failure_count(request) -> None:
    """Count one failed login against the client's address."""
    _usage(request, increment=True)
