"""Link sections: what the apps above observation add to the page behind a resident's
personal link (``/r/<token>/``), below the health report — a request for help and what
came of it, for instance.

Observation may not import those apps, so each registers a ``LinkSection`` from its
``AppConfig.ready()``. The page shows every section the link has something for, and sends
a POST whose ``section`` field names a section to that section's ``post``. The link is the
only credential: a section acts only for the link's persons (and their households), and
puts nothing personal in an address."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from shoumen.observation.models import ReportLink
from shoumen.registry.models import Person


@dataclass
class SectionPosted:
    """What a section's POST came to: ``ok`` (the page says ``message`` and reloads) or not
    (the page shows again with status 400, ``state`` handed back to ``context``)."""

    ok: bool
    message: Any = ""
    state: Any = None


@dataclass(frozen=True)
class LinkSection:
    key: str
    template: str
    # (request, link, its persons, the state of a failed POST or None) -> the template's
    # context, or None when the section has nothing for this link.
    context: Callable[[HttpRequest, ReportLink, list[Person], Any], dict | None]
    # (request, link, its persons) -> what the POST came to.
    post: Callable[[HttpRequest, ReportLink, list[Person]], SectionPosted]
    order: int = 100


_sections: dict[str, LinkSection] = {}


def register_link_section(section: LinkSection) -> None:
    """Register (or replace, on a second ready()) the section called ``section.key``."""
    _sections[section.key] = section


def link_section(key: str) -> LinkSection | None:
    return _sections.get(key)


def link_sections_shown(
    request: HttpRequest, link: ReportLink, persons: list[Person], states: dict[str, Any]
) -> list[dict]:
    """Each section with something for this link: its template and context, in order."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, link, persons, states.get(section.key))
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown
