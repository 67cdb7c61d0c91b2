from django.urls import path

from shoumen.alerts import inbox_views

app_name = "inbox"
urlpatterns = [
    path("", inbox_views.inbox_page, name="list"),
    path("<int:pk>/read/", inbox_views.inbox_read, name="read"),
    path("read-all/", inbox_views.inbox_read_all, name="read_all"),
]
