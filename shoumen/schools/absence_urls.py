"""Pages of illness absences, return to class and guardians' links (see urls.py)."""

from django.urls import path

from shoumen.schools import absence_views, guardian_views

urlpatterns = [
    path("absences/", absence_views.absences, name="absences"),
    path("absences/<int:pk>/", absence_views.absence, name="absence"),
    path("absences/<int:pk>/follow-up/", absence_views.absence_follow_up, name="absence_follow_up"),
    path("absences/<int:pk>/call/", absence_views.absence_call, name="absence_call"),
    path("absences/<int:pk>/return/", absence_views.absence_return, name="absence_return"),
    path("absences/<int:pk>/certificate/", absence_views.certificate_new, name="certificate_new"),
    path("absences/<int:pk>/admit/", absence_views.absence_admit, name="absence_admit"),
    path(
        "absences/<int:pk>/certificate.pdf",
        absence_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("pupils/<int:pk>/guardian-link/", guardian_views.guardian_link, name="guardian_link"),
    path(
        "pupils/<int:pk>/guardian-link/issue/",
        guardian_views.guardian_link_new,
        name="guardian_link_issue",
    ),
    path(
        "pupils/<int:pk>/guardian-link/revoke/",
        guardian_views.guardian_link_end,
        name="guardian_link_revoke",
    ),
    path(
        "pupils/<int:pk>/guardian-link/qr.png",
        guardian_views.guardian_link_qr,
        name="guardian_link_qr",
    ),
    # The guardian's link itself: short, because it is given as a QR code.
    path("g/<str:token>/", guardian_views.guardian, name="guardian"),
]
