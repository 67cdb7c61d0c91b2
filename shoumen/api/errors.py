"""Errors as JSON: ``{"detail": "...", "errors": {"field": ["message", ...]}}``."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from shoumen.lib.errors import ERR_NOT_ALLOWED
from shoumen.registry.services import DuplicatePersonError

ERR_INVALID = _("Some values are not valid.")
ERR_NOT_FOUND = _("Not found.")
ERR_UNAUTHENTICATED = _("Authentication required: send a personal access token.")

NON_FIELD = "__all__"
# Where ninja says a value came from, and the names handlers give their grouped params.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
_PARAM_GROUPS = {"payload", "filters"}


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def _field_of(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_GROUPS:
        parts = parts[1:]
    return parts[0] if parts else NON_FIELD


def schema_errors_of(exc: SchemaValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        out.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return out


def install(api) -> None:
    def invalid(request, exc):
        return api.create_response(
            request, {"detail": str(ERR_INVALID), "errors": errors_of(exc)}, status=422
        )

    def schema_invalid(request, exc):
        return api.create_response(
            request, {"detail": str(ERR_INVALID), "errors": schema_errors_of(exc)}, status=422
        )

    def denied(request, exc):
        return api.create_response(
            request, {"detail": str(exc.args[0] if exc.args else ERR_NOT_ALLOWED)}, status=403
        )

    def not_found(request, exc):
        return api.create_response(request, {"detail": str(ERR_NOT_FOUND)}, status=404)

    def unauthenticated(request, exc):
        response = api.create_response(request, {"detail": str(ERR_UNAUTHENTICATED)}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def duplicate(request, exc):
        body = {"detail": str(ERR_INVALID), "errors": errors_of(exc)}
        if exc.existing is not None:
            body["existing_id"] = exc.existing.pk
        return api.create_response(request, body, status=409)

    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(DuplicatePersonError, duplicate)
    api.add_exception_handler(SchemaValidationError, schema_invalid)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
