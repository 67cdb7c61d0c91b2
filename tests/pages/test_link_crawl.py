"""Every page can be found: starting at home and following links only, each persona
reaches every page the page matrix lets them open."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.urls import Resolver404, resolve, reverse

from tests.pages.home_world import NOW, build_day
from tests.pages.test_page_matrix import ROUTES
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

# Pages not meant to be reached by tapping inside the site: a resident or a visitor opens
# them from a QR code on paper, the scan page's service worker is a script, and a duty
# calendar feed is opened by the phone's calendar.
OPENED_FROM_PAPER = {
    "duty:calendar",
    "links:self_report",
    "schools:guardian",
    "checkpoints:visitor_self",
    "checkpoint_scan:service_worker",
    "volunteers:join",
    "health:join",
    "health:survey_answer",
}
# Not pages: fragments a page loads and refreshes by itself (htmx polling).
FRAGMENTS = {"ledgers:import_progress", "reports:daily_card", "duty:roster_progress"}
# Open to them (the page does not refuse) but none of their work: the jurisdiction tree of
# a volunteer, who has no registry, lists nothing; one's own shifts, for whoever stands no
# duty (in the persona world only the community staff member and the volunteer do).
ON_DUTY = {"community_staff", "volunteer"}
# One's own service tasks and volunteering, for whoever neither takes requests nor
# volunteers (the checkpoint volunteer is the world's one volunteer with a login).
TAKE_REQUESTS = {
    "admin_user",
    "district_officer",
    "street_officer",
    "community_staff",
    "grid_worker",
    "neighbour_worker",
    "outsider",
}
NOT_THEIR_WORK = (
    {("volunteer", "places:tree")}
    | {(persona, "duty:my_shifts") for persona in PERSONAS if persona not in ON_DUTY}
    | {
        (persona, "services:my_tasks")
        for persona in PERSONAS
        if persona not in TAKE_REQUESTS | {"volunteer"}
    }
    | {(persona, "volunteers:me") for persona in PERSONAS if persona != "volunteer"}
    # The health centre's board of a street no centre serves (its figures are all nought).
    | {("outsider", "health:board")}
)
# Never followed: they change the session, not the page.
NOT_FOLLOWED = ("/logout/", "/i18n/")
# Enough for the persona world; a crawl past it means a link multiplies pages.
MAX_PAGES = 900


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _same_origin_path(href: str, here: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # tel:, mailto:
    if parts.netloc and parts.netloc != "testserver":
        return None
    if not parts.path and not parts.query:
        return None
    path = parts.path or urlsplit(here).path
    if not path.startswith("/"):
        return None
    if any(path.startswith(skip) for skip in NOT_FOLLOWED):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _route_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client) -> tuple[set[str], dict[str, int]]:
    """Breadth-first from home over same-origin links; the route names reached with a 200,
    and any page a link led to that did not answer 200."""
    start = reverse("home")
    queue, seen = deque([start]), {start}
    reached: set[str] = set()
    broken: dict[str, int] = {}
    while queue:
        assert len(seen) <= MAX_PAGES, "the crawl found more pages than the world holds"
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200:
            broken[path] = response.status_code
            continue
        name = _route_name(path)
        if name:
            reached.add(name)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in _links(response.content.decode()):
            found = _same_origin_path(href, path)
            if found and found not in seen:
                seen.add(found)
                queue.append(found)
    return reached, broken


def may_open(persona: str) -> set[str]:
    """The GET pages the matrix lets the persona open."""
    return {
        name
        for name, (_args, expected) in ROUTES.items()
        if expected[persona] == 200
        and name not in OPENED_FROM_PAPER | FRAGMENTS
        and (persona, name) not in NOT_THEIR_WORK
    }


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_a_persona_may_open_is_reached_by_following_links(world, login, persona):
    with time_machine.travel(NOW, tick=True):
        build_day(world)
        client = login(getattr(world, persona))
        reached, broken = crawl(client)
    unreachable = sorted(may_open(persona) - reached)
    assert unreachable == [], f"{persona} cannot reach by tapping: {unreachable}"
    assert broken == {}, f"{persona} follows links that do not answer 200: {broken}"
