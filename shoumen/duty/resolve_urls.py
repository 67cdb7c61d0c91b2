"""Re-solving a published roster around a sick call: starting it, the re-solve's page,
applying and discarding it."""

from django.urls import path

from shoumen.duty import resolve_views as views

urlpatterns = [
    path("shifts/<int:pk>/resolve/", views.resolve_start_view, name="resolve_start"),
    path("resolves/<int:pk>/", views.resolve_page, name="resolve"),
    path("resolves/<int:pk>/apply/", views.resolve_apply_view, name="resolve_apply"),
    path("resolves/<int:pk>/discard/", views.resolve_discard_view, name="resolve_discard"),
]
