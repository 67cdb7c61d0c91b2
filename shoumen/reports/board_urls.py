"""The boards with charts, read from the daily figures."""

urlpatterns: list = []
