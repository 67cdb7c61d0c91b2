from django.urls import path

from shoumen.ledgers import export_views

urlpatterns = [
    path("export/", export_views.export_page, name="export"),
]
