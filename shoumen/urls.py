from django.urls import include, path

from shoumen.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("shoumen.accounts.urls")),
    path("", include("shoumen.places.urls")),
    path("", include("shoumen.registry.urls")),
    path("ledgers/", include("shoumen.ledgers.urls")),
    path("checkpoints/", include("shoumen.checkpoints.scan_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("shoumen.api.urls")),
]
