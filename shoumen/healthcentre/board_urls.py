"""The health centre's hub and indicators board: their paths join the one ``health``
namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import board_views, hub_views

urlpatterns: list[URLPattern] = [
    path("", hub_views.hub, name="home"),
    path("board/", board_views.board, name="board"),
]
