from django.urls import path

from shoumen.checkpoints import scan_views

app_name = "checkpoint_scan"
urlpatterns = [
    path("<int:pk>/scan/", scan_views.scan_page, name="scan"),
    # Served from here, not /static/, so that its scope covers every checkpoint's scan page.
    path("scan-sw.js", scan_views.service_worker, name="service_worker"),
]
