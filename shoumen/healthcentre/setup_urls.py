"""The health centre's setup pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import centre_views
from shoumen.healthcentre import setup_views as views

urlpatterns: list[URLPattern] = [
    path("centres/", centre_views.centres, name="centres"),
    path("centres/<int:pk>/edit/", centre_views.centre_edit, name="centre_edit"),
    path("centre/<int:pk>/", views.centre, name="centre"),
    path("centre/<int:pk>/packages/", views.packages, name="packages"),
    path("packages/<int:pk>/", views.package_edit, name="package_edit"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/poster/", views.team_poster, name="team_poster"),
    path("teams/<int:pk>/code/", views.team_token_replace_view, name="team_token_replace"),
    path("teams/<int:pk>/members/", views.team_members, name="team_members"),
]
