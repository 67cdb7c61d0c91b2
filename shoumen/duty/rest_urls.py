"""Stub: filled in by its part."""

urlpatterns: list = []
