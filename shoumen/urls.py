from django.urls import include, path

urlpatterns = [
    path("", include("shoumen.accounts.urls")),
    path("", include("shoumen.places.urls")),
    path("", include("shoumen.registry.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("shoumen.api.urls")),
]
