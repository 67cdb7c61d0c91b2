"""The boards with charts, read from the daily figures."""

from django.urls import path

from shoumen.reports import board_views

urlpatterns: list = [
    path("boards/<int:pk>/", board_views.board, name="board"),
]
