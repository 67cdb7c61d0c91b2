"""Pages of school epidemic reports (see urls.py)."""

from django.urls import path

from shoumen.schools import report_views

urlpatterns = [
    path("epidemic-reports/", report_views.epidemic_reports, name="epidemic_reports"),
    path("epidemic-reports/<int:pk>/", report_views.epidemic_report, name="epidemic_report"),
    path(
        "epidemic-reports/<int:pk>/acknowledge/",
        report_views.epidemic_report_acknowledge,
        name="epidemic_report_acknowledge",
    ),
    path(
        "alerts/<int:pk>/epidemic-report/",
        report_views.epidemic_report_new,
        name="epidemic_report_new",
    ),
]
