"""The daily report pages, their confirm and their exports."""

from django.urls import path

from shoumen.reports import daily_views

urlpatterns: list = [
    path("daily/<int:pk>/", daily_views.daily_page, name="daily"),
    path("daily/<int:pk>/confirm/", daily_views.daily_confirm, name="daily_confirm"),
    path("daily/<int:pk>/card/", daily_views.daily_card, name="daily_card"),
    path("daily/<int:pk>/export/", daily_views.daily_export, name="daily_export"),
]
