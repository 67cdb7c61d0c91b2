"""The health centre's elderly pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import elderly_views as views

urlpatterns: list[URLPattern] = [
    path("elderly/", views.elderly_list, name="elderly"),
    path("elderly/book/", views.elderly_book, name="elderly_book"),
    path("elderly/ledger.xlsx", views.elderly_ledger, name="elderly_ledger"),
    path("elderly/<int:pk>/", views.elderly_check, name="elderly_check"),
    path("elderly/<int:pk>/rebook/", views.elderly_rebook, name="elderly_rebook"),
    path("elderly/<int:pk>/cancel/", views.elderly_cancel, name="elderly_cancel"),
]
