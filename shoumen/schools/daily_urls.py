"""Pages of the daily report and the boards (see urls.py)."""

from django.urls import path

from shoumen.schools import daily_views

urlpatterns: list = [
    path("today/<int:pk>/", daily_views.today_page, name="today"),
    path("daily-report/<int:pk>/<str:date>/", daily_views.daily_report, name="daily_report"),
    path("board/", daily_views.board, name="board"),
    path("rates/", daily_views.rates, name="rates"),
]
