"""The health centre's survey pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import survey_views as views

urlpatterns: list[URLPattern] = [
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("surveys/<int:pk>/poster/", views.survey_poster, name="survey_poster"),
    path("survey/<str:token>/", views.survey_answer_page, name="survey_answer"),
]
