from django.urls import path

from shoumen.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/grant/", views.user_grant, name="user_grant"),
    path(
        "users/<int:pk>/assignments/<int:assignment_pk>/revoke/",
        views.user_revoke,
        name="user_revoke",
    ),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
]
