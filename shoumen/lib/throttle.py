"""Per-client limits on the public pages that need no login, counted by django-ratelimit
in the cache: POSTs, and requests for keys or tokens that do not exist (probing)."""

import datetime
import ipaddress
from functools import wraps

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

MSG_TOO_MANY = _("Too many requests came from your network in a short time.")
MSG_TRY_AGAIN = _("Please try again after %(time)s.")
PROBE_GROUP = "public-probe"


def client_ip(request) -> str:
    """The client's address: from the header the reverse proxy sets, when one is configured
    (the last entry of a list: the one our proxy added), else REMOTE_ADDR."""
    if settings.CLIENT_IP_META_KEY:
        value = request.META.get(settings.CLIENT_IP_META_KEY, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (an address, not a bind)


def _usage(request, group: str, rate: str, *, increment: bool) -> dict | None:
    return get_usage(request, group=group, key="ip", rate=rate, increment=increment)


def kept_private(response):
    """A page whose URL carries a personal token: kept out of caches, referrers and search
    engines."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def too_many_requests(request, seconds_left: int):
    """429 with the time to come back, rounded up to the minute."""
    retry = timezone.localtime() + datetime.timedelta(seconds=max(seconds_left, 0) + 59)
    context = {
        "message": MSG_TOO_MANY,
        "try_again": MSG_TRY_AGAIN % {"time": retry.strftime("%H:%M")},
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(max(seconds_left, 1))
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def public_page_limits(group: str):
    """Limit a public page per client address: its POSTs to ``PUBLIC_POST_RATE``, and pages
    not found (an unknown key or token) to ``PUBLIC_PROBE_RATE`` across all public pages.
    A client over the probe limit is refused every key, valid or not, until the period ends:
    otherwise the answer would still tell a valid key from an invalid one."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                posts = _usage(request, group, settings.PUBLIC_POST_RATE, increment=True)
                if posts is not None and posts["should_limit"]:
                    return too_many_requests(request, posts["time_left"])
            probes = _usage(request, PROBE_GROUP, settings.PUBLIC_PROBE_RATE, increment=False)
            if probes is not None and probes["count"] >= probes["limit"]:
                return too_many_requests(request, probes["time_left"])
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                _usage(request, PROBE_GROUP, settings.PUBLIC_PROBE_RATE, increment=True)
                raise
            if response.status_code == 404:
                _usage(request, PROBE_GROUP, settings.PUBLIC_PROBE_RATE, increment=True)
            return response

        return wrapped

    return decorator
