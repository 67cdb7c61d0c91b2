"""The daily report pages, their confirm and their exports."""

urlpatterns: list = []
