from django.urls import path

from shoumen.alerts import rules_views

app_name = "alert_rules"
urlpatterns = [path("", rules_views.rules_page, name="edit")]
