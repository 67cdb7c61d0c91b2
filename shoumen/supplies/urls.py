"""The supplies' pages: stock by holder, movements, items and holders, reorder levels, the
ledgers (物资台账, 物资库存表, 捐赠登记)."""

from django.urls import path

from shoumen.supplies import setup_views, views

app_name = "supplies"
urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:community_pk>/", views.community, name="community"),
    path("holders/<int:holder_pk>/", views.holder, name="holder"),
    path("holders/<int:holder_pk>/move/<slug:kind>/", views.movement_new, name="movement_new"),
    path("holders/<int:holder_pk>/reorder/", setup_views.reorder, name="reorder"),
    path("unit/<int:community_pk>/items/", setup_views.items, name="items"),
    path("unit/<int:community_pk>/items/new/", setup_views.item_new, name="item_new"),
    path("unit/<int:community_pk>/holders/", setup_views.holders, name="holders"),
    path("unit/<int:community_pk>/holders/new/", setup_views.holder_new, name="holder_new"),
    path(
        "unit/<int:community_pk>/ledgers/movements.xlsx",
        views.ledger_movements,
        name="ledger_movements",
    ),
    path("unit/<int:community_pk>/ledgers/stock.xlsx", views.ledger_stock, name="ledger_stock"),
    path(
        "unit/<int:community_pk>/ledgers/donations.xlsx",
        views.ledger_donations,
        name="ledger_donations",
    ),
]
