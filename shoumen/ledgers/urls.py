from shoumen.ledgers import export_urls, import_urls

app_name = "ledgers"
urlpatterns = [*import_urls.urlpatterns, *export_urls.urlpatterns]
