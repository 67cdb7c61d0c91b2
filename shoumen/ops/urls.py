"""Health, readiness and metrics endpoints for load balancers and monitoring, at the root
(``/healthz``, ``/readyz``, ``/metrics``) where probes and scrapers expect them."""

from django.urls import path

from shoumen.ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
