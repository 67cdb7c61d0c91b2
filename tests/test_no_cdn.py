"""Every script and stylesheet is served from our own static files, never a CDN."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def _templates():
    root = Path(settings.BASE_DIR)
    yield from (root / "templates").rglob("*.html")
    yield from (root / "shoumen").rglob("templates/**/*.html")


def test_no_template_loads_anything_from_another_host():
    offenders = [str(p) for p in _templates() if EXTERNAL.search(p.read_text())]
    assert offenders == []


def test_api_docs_page_uses_local_assets(db):
    body = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert not EXTERNAL.search(body)
