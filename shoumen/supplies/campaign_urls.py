"""Distribution campaigns' pages: a campaign over a scope, household by household, with
its coverage."""

app_name = "campaigns"
urlpatterns: list = []
