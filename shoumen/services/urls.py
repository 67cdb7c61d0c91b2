"""Resident services' pages: requests from the three doors, assignment, done and
confirmed, the 包保 cadres, the psychological support hotline log."""

app_name = "services"
urlpatterns: list = []
