"""Probes and metrics: no login, no session, no CSRF (GET only), nothing a person could
be found by. ``/healthz`` says the process answers and touches nothing else; ``/readyz``
says whether this node can serve (primary database and cache) and how its helpers are;
``/metrics`` is for Prometheus and answers only the bearer of SHOUMEN_METRICS_TOKEN."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_safe

from shoumen.ops import health, metrics

TEXT = "text/plain; charset=utf-8"
BEARER = "Bearer "


@csrf_exempt
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type=TEXT)


@csrf_exempt
@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    ready, body = health.readiness()
    return JsonResponse(body, status=200 if ready else 503)


def _bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header.startswith(BEARER) else None


@csrf_exempt
@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """404 while no token is configured (the endpoint is off), 401 without a token, 403
    with a wrong one (compared in constant time), else the exposition."""
    expected = settings.SHOUMEN_METRICS_TOKEN
    if not expected:
        return HttpResponse("Not Found", status=404, content_type=TEXT)
    given = _bearer_token(request)
    if not given:
        response = HttpResponse("Unauthorized", status=401, content_type=TEXT)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("Forbidden", status=403, content_type=TEXT)
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
