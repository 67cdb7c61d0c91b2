"""The health centre's contract pages: their paths join the one ``health`` namespace."""

from django.urls import URLPattern, path

from shoumen.healthcentre import contract_views as views
from shoumen.healthcentre import join_views

urlpatterns: list[URLPattern] = [
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/ledger/", views.contracts_ledger, name="contracts_ledger"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("contracts/<int:pk>/confirm/", views.contract_confirm_view, name="contract_confirm"),
    path("contracts/<int:pk>/decline/", views.contract_decline_view, name="contract_decline"),
    path("contracts/<int:pk>/renew/", views.contract_renew_view, name="contract_renew"),
    path("contracts/<int:pk>/change/", views.contract_change_view, name="contract_change"),
    path("contracts/<int:pk>/end/", views.contract_end_view, name="contract_end"),
    path("join/<str:token>/", join_views.join, name="join"),
]
