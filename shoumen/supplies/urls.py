"""The supplies' pages: stock by holder, movements, items and holders, reorder levels, the
ledgers (物资台账, 物资库存表, 捐赠登记)."""

app_name = "supplies"
urlpatterns: list = []
