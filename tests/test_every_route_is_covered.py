"""Every URL pattern of the project is covered by an access matrix (pages or API) or is
listed here as public on purpose.

Coverage is checked by pattern, not by route name: each matrix entry is turned into a URL
and resolved, and every pattern must be reached that way. A second route that reuses an
existing name is never what ``reverse`` returns, so it stays unreached and fails here."""

import sys
import types

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse

from shoumen import urls as project_urls
from shoumen.api.main import api as ninja_api
from tests.api.test_api_matrix import OPERATIONS, _path_for
from tests.pages.test_page_matrix import ROUTES

# Routes open to everyone by design: switching language, the API's schema and docs, the
# API root (which answers 404), and the probes and metrics that load balancers and
# Prometheus read without a login (metrics behind its own token; tests/ops).
PUBLIC = {
    "i18n/setlang/", "api/v1/openapi.json", "api/v1/docs", "api/v1/",
    "healthz", "readyz", "metrics",
}  # fmt: skip


def _patterns(patterns, route=""):
    """Every URL pattern as its full route, joined as the resolver joins it."""
    for p in patterns:
        full = URLResolver._join_route(route, str(p.pattern))
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            yield full


def _reached(urls) -> set[str]:
    """The patterns these URLs resolve to; the objects built to fill them are rolled back."""
    with transaction.atomic():
        reached = {resolve(url(world).split("?", 1)[0]).route for url, world in urls}
        transaction.set_rollback(True)
    return reached


def _unreached(world) -> set[str]:
    pages = _reached(
        (lambda w, name=name, args=args: reverse(name, args=args(w)), world)
        for name, (args, _) in ROUTES.items()
    )
    api = _reached(
        (lambda w, template=template: "/api/v1" + _path_for(template, w), world)
        for _method, template in OPERATIONS
    )
    assert pages.isdisjoint(api)
    return set(_patterns(get_resolver().url_patterns)) - pages - api - PUBLIC


def test_every_url_pattern_is_reached_by_a_matrix_or_is_public(world):
    assert PUBLIC.issubset(_patterns(get_resolver().url_patterns))
    assert _unreached(world) == set()


def test_a_second_route_reusing_a_name_is_caught(world, settings):
    shadow = types.ModuleType("tests_shadow_urls")
    shadow.urlpatterns = [  # type: ignore[attr-defined]
        *project_urls.urlpatterns,
        path("copy-of-home/", lambda request: None, name="home"),
    ]
    sys.modules[shadow.__name__] = shadow
    try:
        settings.ROOT_URLCONF = shadow.__name__
        # reverse("home") reaches one of the two; the other is reported.
        assert _unreached(world) in ({"copy-of-home/"}, {""})
    finally:
        del sys.modules[shadow.__name__]


def test_every_api_operation_is_in_the_api_matrix():
    schema_ops = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in ninja_api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert schema_ops == set(OPERATIONS)
