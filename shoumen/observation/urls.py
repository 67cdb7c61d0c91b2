from django.urls import path

from shoumen.observation import tap_views, views

app_name = "observation"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/<int:pk>/report/", views.today_report, name="today_report"),
    path("today/<int:pk>/undo/", views.today_undo, name="today_undo"),
    path("today/call/", tap_views.person_call_view, name="call"),
    path("today/<int:pk>/temperature/", views.today_temperature, name="today_temperature"),
    path("observations/", views.observation_list, name="list"),
    path("observations/bulk/", views.observation_bulk, name="bulk"),
    path("observations/transfers/", views.transfers_incoming, name="transfers"),
    path("observations/<int:pk>/", views.observation_detail, name="detail"),
    path("observations/<int:pk>/complete/", views.observation_complete, name="complete"),
    path("observations/<int:pk>/close/", views.observation_close, name="close"),
    path("observations/<int:pk>/extend/", views.observation_extend, name="extend"),
    path("observations/<int:pk>/assign/", views.observation_assign, name="assign"),
    path("observations/<int:pk>/transfer/", views.observation_transfer, name="transfer"),
    path(
        "observations/<int:pk>/transfer/cancel/",
        views.observation_transfer_cancel,
        name="transfer_cancel",
    ),
    path(
        "observations/<int:pk>/transfer/accept/",
        views.observation_transfer_accept,
        name="transfer_accept",
    ),
    path("persons/<int:person_pk>/observe/", views.observation_start, name="start"),
]
