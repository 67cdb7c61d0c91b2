"""Health, readiness and metrics endpoints for load balancers and monitoring."""

urlpatterns: list = []
