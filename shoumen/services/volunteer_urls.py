"""The volunteers' pages: the registry, the public sign-up by QR code with staff
approval, each volunteer's hours and services, and their certificate."""

from django.urls import path

from shoumen.services import volunteer_signup_views as signup
from shoumen.services import volunteer_views as views

app_name = "volunteers"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("me/certificate/", views.me_certificate, name="me_certificate"),
    path("unit/<int:community_pk>/", views.volunteer_list, name="list"),
    path("unit/<int:community_pk>/new/", views.volunteer_new, name="new"),
    path("unit/<int:community_pk>/ledger/", views.volunteer_ledger, name="ledger"),
    path("unit/<int:community_pk>/qr/", signup.qr_poster, name="qr"),
    path("unit/<int:community_pk>/qr.png", signup.qr_image, {"fmt": "png"}, name="qr_png"),
    path("unit/<int:community_pk>/qr.svg", signup.qr_image, {"fmt": "svg"}, name="qr_svg"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("<int:pk>/certificate/", views.volunteer_certificate, name="certificate"),
    path("<int:pk>/approve/", signup.approve, name="approve"),
    path("<int:pk>/reject/", signup.reject, name="reject"),
    path("join/<str:key>/", signup.join, name="join"),
]
