"""Pages of the schools app: see urls.py."""

urlpatterns: list = []
