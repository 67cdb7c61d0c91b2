from django.urls import path

from shoumen.registry import views

app_name = "registry"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("grids/<int:pk>/", views.grid_detail, name="grid"),
    path("grids/<int:grid_pk>/buildings/new/", views.building_new, name="building_new"),
    path("grids/<int:grid_pk>/households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_pk>/persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/history/", views.person_history_page, name="person_history"),
    path("persons/<int:pk>/move/", views.person_move, name="person_move"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
    path("persons/<int:pk>/merge/", views.person_merge, name="person_merge"),
]
