from django.urls import path

from shoumen.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/questions/", views.round_questions, name="round_questions"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/tasks/", views.task_list, name="tasks"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/coverage/", views.coverage, name="coverage"),
    path("<int:pk>/ledger/", views.ledger, name="ledger"),
    path("tasks/<int:task_pk>/visit/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/observe/", views.visit_observe, name="visit_observe"),
]
