"""The error answers of the API, as its schema documents them: one shape for every error,
and the statuses each operation lists in its ``response={...}``."""

from django.utils.translation import gettext_lazy as _
from ninja import Schema, Status

ERR_TOO_MANY = _("Too many requests in a short time: try again in %(seconds)d seconds.")


class ErrorOut(Schema):
    """Every error the API answers: a message, and field-level messages when a value was
    refused (``__all__`` for the request as a whole)."""

    detail: str
    errors: dict[str, list[str]] = {}


class DuplicateOut(ErrorOut):
    existing_id: int | None = None


# What each error status means in this API; every operation lists those it can answer.
ERROR_STATUSES = {
    400: "The body is not JSON",
    401: "No valid personal access token or login",
    403: "Not allowed for your role (or a browser session's CSRF token is missing)",
    404: "Not found, or outside your jurisdiction",
    409: "The person is registered already",
    422: "A value was refused: see errors",
    429: "Too many requests: try again later",
}


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers of one operation, for its ``response={...}``."""
    unknown = set(codes) - set(ERROR_STATUSES)
    if unknown:
        raise ValueError(f"undocumented error statuses: {sorted(unknown)}")
    return {code: DuplicateOut if code == 409 else ErrorOut for code in codes}


def too_many_requests(seconds_left: int) -> Status:
    """A 429 answer for a handler's ``return``."""
    return Status(429, {"detail": str(ERR_TOO_MANY % {"seconds": max(seconds_left, 1)})})
