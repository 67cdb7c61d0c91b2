"""The health centre's pages, under one ``health`` namespace: each part lists its own."""

from shoumen.healthcentre import (
    board_urls,
    chronic_urls,
    contract_urls,
    elderly_urls,
    points_urls,
    setup_urls,
    survey_urls,
)

app_name = "health"
urlpatterns = [
    *board_urls.urlpatterns,
    *setup_urls.urlpatterns,
    *contract_urls.urlpatterns,
    *chronic_urls.urlpatterns,
    *elderly_urls.urlpatterns,
    *survey_urls.urlpatterns,
    *points_urls.urlpatterns,
]
