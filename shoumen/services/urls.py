"""Resident services' pages: requests from the three doors, assignment, done and
confirmed, one's own tasks, the psychological support hotline log, the ledgers."""

from django.urls import path

from shoumen.services import hotline_views, views

app_name = "services"
urlpatterns = [
    path("", views.requests_list, name="requests"),
    path("new/", views.request_new, name="request_new"),
    path("me/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/assign/", views.request_assign_view, name="request_assign"),
    path("<int:pk>/done/", views.request_done_view, name="request_done"),
    path("<int:pk>/confirm/", views.request_confirm_view, name="request_confirm"),
    path("<int:pk>/cancel/", views.request_cancel_view, name="request_cancel"),
    path("<int:pk>/cadre/", views.request_cadre_view, name="request_cadre"),
    path("ledger.xlsx", hotline_views.service_ledger, name="ledger"),
    path("hotline/", hotline_views.hotline, name="hotline"),
    path("hotline/<int:pk>/follow-up/", hotline_views.hotline_follow_up, name="hotline_follow_up"),
    path("hotline/ledger.xlsx", hotline_views.hotline_ledger, name="hotline_ledger"),
]
