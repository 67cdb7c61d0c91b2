"""Pages that set schools up (see urls.py)."""

from django.urls import path

from shoumen.schools import setup_school_views

urlpatterns = [
    path("new/", setup_school_views.school_new, name="school_new"),
    path("<int:pk>/classes/new/", setup_school_views.class_new, name="class_new"),
    path("<int:pk>/terms/", setup_school_views.terms, name="terms"),
]
