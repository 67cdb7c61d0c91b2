from django.urls import path

from shoumen.places import views

app_name = "places"
urlpatterns = [
    path("org/", views.tree, name="tree"),
    path("org/<int:pk>/", views.unit_detail, name="unit"),
    path("org/<int:pk>/new/", views.unit_create_child, name="unit_create_child"),
    path("org/<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("org/<int:pk>/move/", views.unit_move, name="unit_move"),
]
