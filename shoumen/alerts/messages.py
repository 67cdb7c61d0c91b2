"""Inbox messages kept as words to render (a message key and its values), so each reader
reads them in their own language: they are written by the background worker, in Chinese."""

import contextlib
from functools import cache
from typing import Any

from shoumen.alerts.models import Cause


@cache
def _table() -> dict[str, Any]:
    # Each message stays next to the code that sends it; read here once, when first shown.
    from shoumen.alerts import digest, escalation, evaluation, services

    return {
        "alert.new": services.TITLE_NEW,
        "alert.visitor": services.TITLE_VISITOR,
        "alert.unit": services.TITLE_UNIT,
        "alert.taken_over": services.TITLE_TAKEN_OVER,
        "alert.escalated": escalation.TITLE_ESCALATED,
        "alerts.opened": evaluation.TITLE_OPENED,
        "digest.title": digest.DIGEST_TITLE,
        "digest.body": digest.DIGEST_BODY,
        **_registered,
    }


# Messages of higher apps (the schools' reports), registered when their app is ready.
_registered: dict[str, Any] = {}


def register(key: str, text) -> None:
    """Let ``key`` render as ``text`` (a lazy translation with %(name)s values)."""
    _registered[key] = text
    _table.cache_clear()


def words(key: str, values: dict[str, Any]) -> list:
    """What a Notification keeps to render ``key`` later; a "cause" is kept as its code."""
    return [key, values]


def rendered(kept) -> str | None:
    """The kept words in the active language, or None when there are none to render."""
    if not kept:
        return None
    key, values = kept
    text = _table().get(key)
    if text is None:
        return None
    values = dict(values)
    if "cause" in values:
        with contextlib.suppress(ValueError):  # a cause no longer known reads as its code
            values["cause"] = Cause(values["cause"]).label
    try:
        return str(text % values)
    except (KeyError, TypeError, ValueError):
        return None


# Labels of codes a higher app keeps in an alert's details (a school's watched symptoms).
_labels: dict[str, Any] = {}


def register_labels(labels: dict[str, Any]) -> None:
    _labels.update(labels)


def label_of(code: str) -> str:
    return str(_labels.get(code, code))
