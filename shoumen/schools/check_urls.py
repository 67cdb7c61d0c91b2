"""Pages of the class checks, schools, classes and pupils (see urls.py)."""

from django.urls import path

from shoumen.schools import check_views, setup_views

urlpatterns = [
    path("classes/", check_views.my_classes, name="my_classes"),
    path("classes/<int:pk>/", check_views.class_today, name="class_today"),
    path("classes/<int:pk>/check/<slug:session>/", check_views.check_new, name="check_new"),
    path("classes/<int:pk>/pupils/", setup_views.class_pupils, name="class_pupils"),
    path("<int:pk>/", check_views.school, name="school"),
    path("pupils/<int:pk>/", setup_views.pupil, name="pupil"),
    path("pupils/<int:pk>/edit/", setup_views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pk>/guardians/", setup_views.guardian_add, name="guardian_add"),
]
