"""Every URL pattern of the project is covered by an access matrix (pages or API) or is
listed here as public on purpose."""

from django.urls import URLPattern, URLResolver, get_resolver

from shoumen.api.main import api as ninja_api
from tests.api.test_api_matrix import OPERATIONS
from tests.pages.test_page_matrix import ROUTES

# Routes open to everyone by design: switching language, the API's schema and docs, and
# the API root (which answers 404).
PUBLIC = {"set_language", "api:openapi-json", "api:openapi-view", "api:api-root"}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else repr(p)


def test_every_url_pattern_is_classified():
    names = set(_walk(get_resolver().url_patterns))
    api_routes = {n for n in names if n.startswith("api:") and n not in PUBLIC}
    unclassified = names - set(ROUTES) - PUBLIC - api_routes
    assert unclassified == set()
    # Each API route is one operation, and each operation is in the API matrix.
    schema_ops = {
        (method.upper(), path.removeprefix("/api/v1")): op["operationId"]
        for path, methods in ninja_api.get_openapi_schema()["paths"].items()
        for method, op in methods.items()
    }
    assert set(schema_ops) == set(OPERATIONS)
    assert {f"api:{op.rsplit('_api_', 1)[1]}" for op in schema_ops.values()} == api_routes
