"""The health centre's contract pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
