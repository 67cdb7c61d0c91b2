"""Distribution campaigns' pages: a campaign over a scope, household by household, with
its coverage."""

from django.urls import path

from shoumen.supplies import campaign_views as views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/households/", views.campaign_households, name="households"),
    path("<int:pk>/households/<int:household_pk>/give/", views.campaign_give, name="give"),
    path("<int:pk>/close/", views.campaign_close_view, name="close"),
    path("<int:pk>/ledger/", views.campaign_ledger, name="ledger"),
]
