"""What higher apps add to a household visit, so that one visit records it all: a few form
fields of their own and what to record with the visit, in the visit's transaction (a
mask pack from an open distribution campaign, a service request from the household's
need). Screening knows none of them; each registers in its app's ``ready()``.

An extra's fields are named ``<key>_<name>`` on the visit form; the API takes the same
values as ``extras: {key: {name: value}}``, unchecked, so ``record`` checks what it is
given and raises ``ValidationError`` (keys ``extras.<key>.<name>``) to refuse the visit."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_UNKNOWN_EXTRA = _("Unknown part of a visit: %(key)s")


@dataclass(frozen=True)
class VisitExtra:
    key: str
    # The form fields for a visit to this task's household (none when nothing applies).
    fields: Callable[[Any], dict[str, forms.Field]]
    # (actor, visit, its values) once a new visit is saved; values may be empty.
    record: Callable[[Any, Any, Mapping[str, Any]], None]


EXTRAS: dict[str, VisitExtra] = {}


def register(extra: VisitExtra) -> None:
    EXTRAS[extra.key] = extra


def extra_fields(task) -> dict[str, forms.Field]:
    """Every extra's fields for ``task``, named ``<key>_<name>``."""
    return {
        f"{key}_{name}": field
        for key, extra in EXTRAS.items()
        for name, field in extra.fields(task).items()
    }


def extra_values(cleaned: Mapping[str, Any], names: list[str]) -> dict[str, dict[str, Any]]:
    """A cleaned visit form's extra fields as ``{key: {name: value}}``."""
    values: dict[str, dict[str, Any]] = {}
    for full in names:
        key, name = split_extra_name(full)
        values.setdefault(key, {})[name] = cleaned.get(full)
    return values


def split_extra_name(full: str) -> tuple[str, str]:
    for key in EXTRAS:
        if full.startswith(f"{key}_"):
            return key, full[len(key) + 1 :]
    raise KeyError(full)


def extras_record(actor, visit, values: Mapping[str, Mapping[str, Any]]) -> None:
    """Record every extra with a new visit (each is called, with what it was given or
    nothing); an unknown key refuses the visit."""
    unknown = sorted(set(values) - set(EXTRAS))
    if unknown:
        raise ValidationError({"extras": [ERR_UNKNOWN_EXTRA % {"key": unknown[0]}]})
    for key, extra in EXTRAS.items():
        given = values.get(key) or {}
        if not isinstance(given, Mapping):
            raise ValidationError({f"extras.{key}": [ERR_UNKNOWN_EXTRA % {"key": key}]})
        extra.record(actor, visit, given)
