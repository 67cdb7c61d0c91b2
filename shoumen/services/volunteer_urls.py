"""The volunteers' pages: the registry, the public sign-up by QR code with staff
approval, each volunteer's hours and services, and their certificate."""

app_name = "volunteers"
urlpatterns: list = []
