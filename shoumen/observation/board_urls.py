from django.urls import path

from shoumen.observation import board_views

app_name = "boards"
urlpatterns = [
    path("boards/<int:pk>/", board_views.board, name="board"),
]
