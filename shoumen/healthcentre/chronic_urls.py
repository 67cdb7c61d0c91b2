"""The health centre's chronic pages: their paths join the one ``health`` namespace. The
part's entry page is the patient list, health:patients."""

from django.urls import path

from shoumen.healthcentre import chronic_ledgers, followup_views, patient_views

urlpatterns = [
    path("patients/", patient_views.patients, name="patients"),
    path("patients/new/", patient_views.patient_new, name="patient_new"),
    path("patients/first-visit/", patient_views.first_visit, name="first_visit"),
    path("patients/tagged/", patient_views.chronic_tagged, name="chronic_tagged"),
    path("patients/<int:pk>/", patient_views.patient, name="patient"),
    path("patients/<int:pk>/end/", patient_views.patient_end_view, name="patient_end"),
    path("patients/<int:pk>/follow-up/", followup_views.follow_up_new, name="follow_up_new"),
    path(
        "patients/<int:pk>/follow-up/preview/",
        followup_views.follow_up_preview_view,
        name="follow_up_preview",
    ),
    path("follow-ups/<int:pk>/", followup_views.follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/fhir.json", followup_views.follow_up_fhir, name="follow_up_fhir"),
    path(
        "ledgers/hypertension.xlsx",
        chronic_ledgers.hypertension_ledger,
        name="hypertension_ledger",
    ),
    path("ledgers/diabetes.xlsx", chronic_ledgers.diabetes_ledger, name="diabetes_ledger"),
]
