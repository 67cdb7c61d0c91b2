from django.urls import path

from shoumen.api.main import api

urlpatterns = [path("", api.urls)]
