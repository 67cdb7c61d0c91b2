from shoumen.reports import board_urls, daily_urls

app_name = "reports"
urlpatterns = [*board_urls.urlpatterns, *daily_urls.urlpatterns]
