"""Pages of the schools app: the school ledgers and the class roster import."""

from django.urls import path

from shoumen.schools import ledger_views

urlpatterns = [
    path("ledgers/<slug:kind>/", ledger_views.ledger, name="ledger"),
    path("<int:pk>/roster/import/", ledger_views.roster_upload, name="roster_import"),
    path("roster/template.xlsx", ledger_views.roster_template, name="roster_template"),
]
