"""The rest watch: days without a day off, rest notices (休假通知书) and the hours ledger."""

from django.urls import path

from shoumen.duty import rest_views as views

urlpatterns = [
    path("unit/<int:community_pk>/rest/", views.rest_page, name="rest"),
    path("unit/<int:community_pk>/hours/", views.hours_page, name="hours"),
    path("unit/<int:community_pk>/hours/ledger/", views.hours_ledger, name="hours_ledger"),
    path("people/<int:person_pk>/rest/", views.person_rest, name="person_rest"),
    path("people/<int:person_pk>/rest/notice/", views.rest_notice_new, name="rest_notice_new"),
    path("rest-notices/<int:notice_pk>/pdf/", views.rest_notice_pdf, name="rest_notice_pdf"),
]
