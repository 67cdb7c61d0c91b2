"""The duty app's pages, one module per part: setting up posts and people, rosters (solve,
publish, print, export), one's own shifts (phone, calendar feed, check-in), swaps and sick
calls (and re-solving around one), the rest watch."""

from shoumen.duty import my_urls, resolve_urls, rest_urls, roster_urls, setup_urls, swap_urls

app_name = "duty"
urlpatterns = [
    *setup_urls.urlpatterns,
    *roster_urls.urlpatterns,
    *my_urls.urlpatterns,
    *swap_urls.urlpatterns,
    *resolve_urls.urlpatterns,
    *rest_urls.urlpatterns,
]
