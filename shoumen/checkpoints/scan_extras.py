"""Boxes a higher app adds to a checkpoint's scan page (e.g. checking in for one's shift at
the post of this checkpoint). This app knows none of them: each registers, at start-up, a
function of (request, checkpoint) that returns its HTML, or "" when it has nothing to show."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from shoumen.checkpoints.models import Checkpoint

ScanExtra = Callable[[HttpRequest, Checkpoint], str]

_extras: dict[str, ScanExtra] = {}


def register(name: str, extra: ScanExtra) -> None:
    """Show ``extra``'s HTML on every scan page; registering a name again replaces it."""
    _extras[name] = extra


def extras_for(request: HttpRequest, checkpoint: Checkpoint) -> list[SafeString]:
    """The HTML of every registered box with something to show, in registration order. Each
    function renders its own HTML through a template, which escapes what it shows."""
    shown = (extra(request, checkpoint) for extra in _extras.values())
    return [mark_safe(html) for html in shown if html]  # noqa: S308 (rendered templates)
