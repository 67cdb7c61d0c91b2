"""Who is calling: a personal access token, or the browser's Django session."""

from ninja.security import HttpBearer, SessionAuth

from shoumen.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal access token."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Django's session, with CSRF enforced on unsafe methods.

    The CSRF check runs only when a session user is present, so that a caller with no
    session (a bad token, no credentials) gets 401 rather than a CSRF 403.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()
