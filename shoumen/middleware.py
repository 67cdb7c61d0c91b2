"""Chinese unless the user chose otherwise with the language switcher; sessions kept alive
without a write on every request."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language is not a choice: the
    language is the one picked with the switcher (its cookie), else LANGUAGE_CODE."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionKeepAliveMiddleware:
    """A session ends after ``SESSION_COOKIE_AGE`` seconds without a request (the idle
    timeout). Django's ``SESSION_SAVE_EVERY_REQUEST`` would rewrite the session row on every
    page; here its expiry moves forward at most once per ``SESSION_REFRESH_SECONDS``, so
    that a worker clicking through pages costs a write every few minutes, not every click
    (the session may end up to that much before the full idle time)."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Only a login is kept alive: a stale cookie must not start a new, empty session.
        if not session.is_empty() and session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)
