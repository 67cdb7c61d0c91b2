"""The supplies' ledgers read back as real .xlsx files: 物资台账 (movements of a period),
物资库存表 (balances with reorder levels and days of cover), 捐赠登记 (donations); each
export is audited, and only those who manage the community's supplies get them."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE
from shoumen.supplies.setup_services import reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db

DAY1 = "2026-06-01 09:00 +0800"
DAY2 = "2026-06-02 09:00 +0800"
DAY3 = "2026-06-03 09:00 +0800"


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(r) for r in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.fixture
def history(world, stock):
    staff = world.community_staff
    with time_machine.travel(DAY1, tick=False):
        move(
            staff,
            "receive",
            stock.masks,
            stock.store,
            100,
            source="donation",
            donor="光华超市",
            batch="B-7",
            expires_on=datetime.date(2027, 1, 1),
        )
    with time_machine.travel(DAY2, tick=False):
        move(staff, "transfer", stock.masks, stock.store, 30, to_holder=stock.gate)
        move(staff, "issue", stock.masks, stock.gate, 5, household=world.household_a)
    with time_machine.travel(DAY3, tick=False):
        move(staff, "count", stock.masks, stock.store, 68, note="破损2个")
    reorder_level_set(actor=staff, holder=stock.store, item=stock.masks, level=80)
    return stock


def test_the_movements_ledger_of_a_period_holds_its_movements(world, history, login):
    url = reverse("supplies:ledger_movements", args=[world.community.pk])
    response = login(world.community_staff).get(url, {"start": "2026-06-02", "end": "2026-06-02"})
    rows = _rows(response)
    assert len(rows) == 2
    transfer, issue = rows
    assert transfer[0] == "2026-06-02 09:00"
    assert transfer[2:8] == ("社区库房", "医用外科口罩", "个", 30, -30, "北门")
    assert issue[2:8] == ("北门", "医用外科口罩", "个", 5, -5, None)
    assert issue[8] == world.household_a.label
    assert issue[14] == str(world.community_staff)
    everything = _rows(login(world.community_staff).get(url))
    assert len(everything) == 4
    event = AuditEvent.objects.filter(action="supplies_ledger.export").latest("pk")
    assert event.changes["ledger"] == "movements"


def test_a_period_ending_before_it_starts_sends_back_to_the_page(world, history, login):
    url = reverse("supplies:ledger_movements", args=[world.community.pk])
    response = login(world.community_staff).get(url, {"start": "2026-06-03", "end": "2026-06-01"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="supplies_ledger.export").exists()


def test_the_stock_sheet_holds_balances_levels_and_days_of_cover(world, history, login):
    with time_machine.travel("2026-06-04 09:00 +0800", tick=False):
        response = login(world.community_staff).get(
            reverse("supplies:ledger_stock", args=[world.community.pk])
        )
    rows = {r[0]: r for r in _rows(response)}
    store, gate = rows["社区库房"], rows["北门"]
    assert store[2:6] == ("医用外科口罩", "个", 68, 80)
    assert store[6]  # below its reorder level
    assert gate[5] is None and gate[6] is None
    # 30 transferred out in the last 14 days: 30/14 a day, 68 held: 31.7 days.
    assert Decimal(str(store[7])) == Decimal("31.7")
    assert gate[4] == 25 and Decimal(str(gate[7])) == Decimal("70.0")


def test_the_donations_register_lists_each_donation(world, history, login):
    response = login(world.community_staff).get(
        reverse("supplies:ledger_donations", args=[world.community.pk])
    )
    rows = _rows(response)
    assert len(rows) == 1
    day, donor, item, unit, quantity, batch, expires, holder = rows[0]
    assert day.date() == datetime.date(2026, 6, 1)
    assert (donor, item, unit, quantity, batch, holder) == (
        "光华超市",
        "医用外科口罩",
        "个",
        100,
        "B-7",
        "社区库房",
    )
    assert expires.date() == datetime.date(2027, 1, 1)


@pytest.mark.parametrize("name", ["ledger_movements", "ledger_stock", "ledger_donations"])
def test_grid_workers_get_no_ledger_and_outsiders_a_404(world, history, login, client, name):
    url = reverse(f"supplies:{name}", args=[world.community.pk])
    assert login(world.grid_worker).get(url).status_code == 403
    client.logout()
    assert login(world.outsider).get(url).status_code == 404
