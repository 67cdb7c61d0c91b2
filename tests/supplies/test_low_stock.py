"""Low stock: a balance taken below its reorder level opens one alert on the holder's
community, owned by its community staff, due after the setting's minutes; it is updated
while low and resolved when the stock is back at the level or the level is cleared."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from shoumen.alerts.models import OPEN_STATUSES, Alert, AlertStatus, Cause
from shoumen.alerts.selectors import alerts_visible_to
from shoumen.audit.models import AuditEvent
from shoumen.supplies.models import Balance
from shoumen.supplies.setup_services import reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db


def _alerts():
    return Alert.objects.filter(cause=Cause.SUPPLIES_LOW_STOCK)


def test_an_issue_below_the_reorder_level_opens_a_low_stock_alert_on_the_community(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=50)
    assert not _alerts().exists()
    move(world.community_staff, "issue", stock.masks, stock.store, 60)
    alert = _alerts().get()
    assert alert.grid == world.community
    assert alert.key == f"{stock.store.pk}:{stock.masks.pk}"
    assert alert.owner == world.community_staff
    assert alert.status == AlertStatus.OPEN
    assert alert.details["quantity"] == "40.00"
    assert alert.details["reorder_level"] == "50.00"
    assert alert.details["holder"] == "社区库房"
    assert alert.due_at - alert.opened_at == datetime.timedelta(minutes=1440)
    raised = AuditEvent.objects.get(action="alert.raise", target_id=str(alert.pk))
    assert raised.actor_label == "community rules"


@override_settings(SHOUMEN_SUPPLIES_LOW_STOCK_DUE_MINUTES=90)
def test_the_low_stock_alert_is_due_after_the_setting_s_minutes(world, stock):
    reorder_level_set(actor=world.community_staff, holder=stock.gate, item=stock.masks, level=5)
    alert = _alerts().get()
    assert alert.due_at - alert.opened_at == datetime.timedelta(minutes=90)


def test_further_issues_while_low_update_the_one_open_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=50)
    move(world.community_staff, "issue", stock.masks, stock.store, 60)
    move(world.community_staff, "issue", stock.masks, stock.store, 10)
    alert = _alerts().get()
    assert alert.details["quantity"] == "30.00"


def test_a_receipt_back_to_the_level_resolves_the_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=50)
    move(world.community_staff, "issue", stock.masks, stock.store, 60)
    move(world.community_staff, "receive", stock.masks, stock.store, 5)
    assert _alerts().get().status in OPEN_STATUSES  # 45: still low
    move(world.community_staff, "receive", stock.masks, stock.store, 5)
    alert = _alerts().get()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.resolved_by == world.community_staff


def test_dropping_low_again_after_resolving_opens_a_new_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=5)
    move(world.community_staff, "issue", stock.masks, stock.store, 6)
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    move(world.community_staff, "issue", stock.masks, stock.store, 12)
    assert _alerts().count() == 2
    assert _alerts().filter(status__in=OPEN_STATUSES).count() == 1


def test_a_transfer_in_resolves_the_receiving_holder_s_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.gate, item=stock.masks, level=20)
    assert _alerts().get().key == f"{stock.gate.pk}:{stock.masks.pk}"
    move(world.community_staff, "transfer", stock.masks, stock.store, 20, to_holder=stock.gate)
    assert _alerts().get().status == AlertStatus.RESOLVED


def test_a_stocktake_below_the_level_opens_the_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=50)
    move(world.community_staff, "count", stock.masks, stock.store, 49, note="破损")
    assert _alerts().filter(status=AlertStatus.OPEN).count() == 1


def test_raising_or_clearing_the_level_opens_and_resolves_the_alert(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 30)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=30)
    assert not _alerts().exists()  # at the level is not below it
    reorder_level_set(
        actor=world.community_staff, holder=stock.store, item=stock.masks, level="30.01"
    )
    assert _alerts().get().status == AlertStatus.OPEN
    balance = reorder_level_set(
        actor=world.community_staff, holder=stock.store, item=stock.masks, level=None
    )
    assert balance.reorder_level is None
    assert _alerts().get().status == AlertStatus.RESOLVED


def test_a_worker_s_kit_alert_names_no_worker_and_sits_on_the_community(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    move(world.community_staff, "transfer", stock.masks, stock.store, 10, to_holder=stock.kit)
    reorder_level_set(actor=world.community_staff, holder=stock.kit, item=stock.masks, level=5)
    move(world.grid_worker, "issue", stock.masks, stock.kit, 6)
    alert = _alerts().get()
    assert alert.grid == world.community
    assert "holder" not in alert.details
    assert stock.kit.name not in str(alert.details)
    assert Balance.objects.get(holder=stock.kit, item=stock.masks).quantity == Decimal(4)


def test_community_staff_and_officers_above_see_the_alert_grid_workers_do_not(world, stock):
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=5)
    alert = _alerts().get()
    for persona in ("community_staff", "street_officer", "district_officer"):
        assert alerts_visible_to(getattr(world, persona)).filter(pk=alert.pk).exists(), persona
    for persona in ("grid_worker", "outsider", "volunteer"):
        assert not alerts_visible_to(getattr(world, persona)).filter(pk=alert.pk).exists()


def test_a_refused_movement_opens_no_alert(world, stock):
    from django.core.exceptions import ValidationError

    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=0)
    with pytest.raises(ValidationError):
        move(world.community_staff, "issue", stock.masks, stock.store, 1)
    assert not _alerts().exists()


def test_the_low_stock_alerts_page_names_the_item_and_leads_to_the_holder(world, stock, login):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=50)
    move(world.community_staff, "issue", stock.masks, stock.store, 60)
    alert = _alerts().get()
    client = login(world.community_staff)
    listed = client.get(reverse("alerts:list")).content.decode()
    assert f"{world.community.name} · {stock.masks.name}" in listed
    html = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "社区库房" in html and "40.00" in html and "50.00" in html
    assert f'href="{reverse("supplies:holder", args=[stock.store.pk])}"' in html
