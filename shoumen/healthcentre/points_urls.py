"""The health centre's points pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import points_views as views

urlpatterns: list[URLPattern] = [
    path("points/", views.points, name="points"),
    path("points/rules/", views.point_rules, name="point_rules"),
    path("points/<int:user_id>/", views.points_person, name="points_person"),
]
