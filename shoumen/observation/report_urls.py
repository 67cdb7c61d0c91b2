from django.urls import path

from shoumen.observation import report_views

app_name = "observation_ledgers"
urlpatterns = [path("", report_views.ledger_page, name="download")]
