"""The roster pages: a community's duty home, drawing, reading, publishing, printing and
exporting rosters, and fixing shifts by hand."""

from django.urls import path

from shoumen.duty import roster_views as views

urlpatterns: list = [
    path("units/", views.units, name="units"),
    path("unit/<int:community_pk>/", views.index, name="index"),
    path("unit/<int:community_pk>/rosters/new/", views.roster_new, name="roster_new"),
    path("rosters/<int:roster_pk>/", views.roster_page, name="roster"),
    path("rosters/<int:roster_pk>/progress/", views.roster_progress, name="roster_progress"),
    path("rosters/<int:roster_pk>/publish/", views.roster_publish_view, name="roster_publish"),
    path("rosters/<int:roster_pk>/print/", views.roster_print, name="roster_print"),
    path("rosters/<int:roster_pk>/export/", views.roster_export_view, name="roster_export"),
    path("shifts/<int:assignment_pk>/pin/", views.assignment_pin_view, name="assignment_pin"),
]
