from django.urls import path

from shoumen.checkpoints import views

app_name = "checkpoints"
urlpatterns = [
    path("checkpoints/", views.checkpoint_list, name="list"),
    path("communities/<int:community_pk>/checkpoints/new/", views.checkpoint_new, name="new"),
    path("checkpoints/<int:pk>/", views.checkpoint_detail, name="detail"),
    path("checkpoints/<int:pk>/edit/", views.checkpoint_edit, name="edit"),
    path("checkpoints/<int:pk>/poster/", views.checkpoint_poster, name="poster"),
    path("checkpoints/<int:pk>/visitors/", views.visitor_ledger, name="visitors"),
    path("checkpoints/<int:pk>/visitors/new/", views.visitor_new, name="visitor_new"),
    path("checkpoints/visitors/<int:pk>/leave/", views.visitor_leave, name="visitor_leave"),
    path("checkpoints/visitors/<int:pk>/reveal/", views.visitor_reveal, name="visitor_reveal"),
    path("checkpoints/<int:pk>/traffic/", views.traffic, name="traffic"),
    path("checkpoints/<int:pk>/handover/", views.handover, name="handover"),
    path("checkpoints/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("passes/", views.pass_list, name="passes"),
    path("passes/issue/", views.pass_issue_bulk, name="passes_issue"),
    path("persons/<int:pk>/pass/", views.person_pass, name="person_pass"),
    path("persons/<int:pk>/pass/issue/", views.person_pass_issue, name="person_pass_issue"),
    path("persons/<int:pk>/pass/revoke/", views.person_pass_revoke, name="person_pass_revoke"),
    path("persons/<int:pk>/pass/restore/", views.person_pass_restore, name="person_pass_restore"),
    path("persons/<int:pk>/pass/card.<str:fmt>", views.person_pass_card, name="person_pass_card"),
    path("v/<uuid:key>/", views.visitor_self, name="visitor_self"),
]
