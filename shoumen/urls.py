from django.urls import include, path

from shoumen.home.views import home_page

urlpatterns = [
    # First: API clients (checkpoint devices, batch ingest) make most requests, and Django
    # tries the patterns in order.
    path("api/v1/", include("shoumen.api.urls")),
    path("", home_page, name="home"),
    path("", include("shoumen.accounts.urls")),
    path("", include("shoumen.places.urls")),
    path("", include("shoumen.registry.urls")),
    path("", include("shoumen.checkpoints.urls")),
    path("ledgers/", include("shoumen.ledgers.urls")),
    path("observations/ledgers/", include("shoumen.observation.report_urls")),
    path("", include("shoumen.observation.urls")),
    path("alerts/rules/", include("shoumen.alerts.rules_urls")),
    path("alerts/", include("shoumen.alerts.urls")),
    path("inbox/", include("shoumen.alerts.inbox_urls")),
    path("", include("shoumen.observation.board_urls")),
    path("", include("shoumen.observation.link_urls")),
    path("screening/", include("shoumen.screening.urls")),
    path("checkpoints/", include("shoumen.checkpoints.scan_urls")),
    path("schools/", include("shoumen.schools.urls")),
    path("reports/", include("shoumen.reports.urls")),
    path("duty/", include("shoumen.duty.urls")),
    path("supplies/campaigns/", include("shoumen.supplies.campaign_urls")),
    path("supplies/", include("shoumen.supplies.urls")),
    path("services/", include("shoumen.services.urls")),
    path("volunteers/", include("shoumen.services.volunteer_urls")),
    path("health/", include("shoumen.healthcentre.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shoumen.ops.urls")),
]
