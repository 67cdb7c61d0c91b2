"""The health centre's chronic pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
