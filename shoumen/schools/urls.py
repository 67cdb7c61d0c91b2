"""The schools app's pages, one module per part: checks, absences and return to class,
epidemic reports, daily reports and boards, ledgers, setting schools up."""

from shoumen.schools import (
    absence_urls,
    check_urls,
    daily_urls,
    ledger_urls,
    report_urls,
    setup_urls,
)

app_name = "schools"
urlpatterns = [
    *check_urls.urlpatterns,
    *absence_urls.urlpatterns,
    *report_urls.urlpatterns,
    *daily_urls.urlpatterns,
    *ledger_urls.urlpatterns,
    *setup_urls.urlpatterns,
]
