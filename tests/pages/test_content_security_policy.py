"""Every response carries a Content-Security-Policy that runs no inline script, and no
template holds an inline script or an inline event handler for it to refuse."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "shoumen").glob("*/templates"))]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# Data, not code: {{ value|json_script:"id" }} renders <script type="application/json">.
DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_pages_carry_a_policy_that_runs_scripts_only_from_our_files(client, world, login):
    anonymous = client.get(reverse("accounts:login"))
    home = login(world.grid_worker).get(reverse("home"))
    for response in (anonymous, home):
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["style-src"]


def test_the_api_carries_the_policy_too(client, world, login):
    response = login(world.grid_worker).get("/api/v1/org-units")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]


def test_the_templates_are_found():
    names = {path.name for path in _templates()}
    assert {"base.html", "scan_page.html", "login.html"} <= names


def test_no_template_has_an_inline_script():
    inline = []
    for path in _templates():
        for attributes, body in SCRIPT_TAG.findall(path.read_text()):
            if DATA_SCRIPT.search(attributes):
                continue
            if "src=" not in attributes or body.strip():
                inline.append(str(path.relative_to(ROOT)))
    assert inline == []


def test_no_template_has_an_inline_event_handler_or_javascript_url():
    found = []
    for path in _templates():
        text = path.read_text()
        if EVENT_HANDLER.search(text) or JAVASCRIPT_URL.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_the_scanner_spots_what_it_looks_for():
    assert SCRIPT_TAG.search("<script>alert(1)</script>")
    assert EVENT_HANDLER.search('<button class="b" onclick="go()">')
    assert not EVENT_HANDLER.search('<span data-online="在线">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')
    assert DATA_SCRIPT.search(' id="scan-config" type="application/json"')
