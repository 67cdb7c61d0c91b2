"""The supplies' pages: a community's stock with low-stock flags, days of cover and
expiring batches; a holder's balances and movements; the movement forms (each write once,
whatever the resends); items, holders and reorder levels; who may do what."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from shoumen.lib.dates import today
from shoumen.supplies.models import Balance, Holder, HolderKind, Item, Movement
from shoumen.supplies.services import ERR_DONOR, ERR_REASON
from shoumen.supplies.setup_services import ERR_HOLDER_TAKEN, ERR_WORKER, reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db


def _move_url(holder, kind):
    return reverse("supplies:movement_new", args=[holder.pk, kind])


def test_the_community_page_shows_stock_low_flags_cover_and_expiring_batches(world, stock, login):
    move(
        world.community_staff,
        "receive",
        stock.masks,
        stock.store,
        100,
        batch="B-1",
        expires_on=today() + datetime.timedelta(days=3),
    )
    move(world.community_staff, "issue", stock.masks, stock.store, 28)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=80)
    url = reverse("supplies:community", args=[world.community.pk])
    page = login(world.community_staff).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="low-stock"' in html
    assert 'data-testid="cover"' in html
    assert "B-1" in html and 'data-testid="expiring-row"' in html
    assert reverse("supplies:ledger_stock", args=[world.community.pk]) in html
    assert reverse("supplies:ledger_donations", args=[world.community.pk]) in html


def test_an_empty_community_says_what_to_do_first(world, login):
    url = reverse("supplies:community", args=[world.community.pk])
    page = login(world.community_staff).get(url)
    assert 'data-testid="empty"' in page.content.decode()
    assert 'data-testid="no-expiring"' in page.content.decode()


def test_a_grid_worker_sees_only_their_own_kit_and_no_ledgers(world, stock, login):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    move(world.community_staff, "transfer", stock.masks, stock.store, 4, to_holder=stock.kit)
    page = login(world.grid_worker).get(reverse("supplies:community", args=[world.community.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert stock.kit.name in html and stock.store.name not in html
    assert "ledger-stock" not in html


def test_receiving_through_the_form_records_once_even_when_sent_twice(world, stock, login):
    client = login(world.community_staff)
    data = {
        "client_uuid": str(uuid.uuid4()),
        "item": stock.masks.pk,
        "quantity": "50",
        "source": "donation",
        "donor": "光华超市",
        "batch": "20260601",
        "expires_on": "2027-06-01",
    }
    first = client.post(_move_url(stock.store, "receive"), data)
    second = client.post(_move_url(stock.store, "receive"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("supplies:holder", args=[stock.store.pk])
    assert Movement.objects.filter(holder=stock.store).count() == 1
    assert Balance.objects.get(holder=stock.store, item=stock.masks).quantity == 50
    movement = Movement.objects.get()
    assert (movement.source, movement.donor, movement.batch) == ("donation", "光华超市", "20260601")


def test_a_donation_without_a_donor_is_refused_with_its_reason(world, stock, login):
    data = {"client_uuid": str(uuid.uuid4()), "item": stock.masks.pk, "quantity": "5"}
    data["source"] = "donation"
    response = login(world.community_staff).post(_move_url(stock.store, "receive"), data)
    assert response.status_code == 400
    assert escape(str(ERR_DONOR)) in response.content.decode()
    assert not Movement.objects.exists()


def test_a_stocktake_needs_a_reason(world, stock, login):
    data = {"client_uuid": str(uuid.uuid4()), "item": stock.masks.pk, "quantity": "3"}
    response = login(world.community_staff).post(_move_url(stock.store, "count"), data)
    assert response.status_code == 400
    assert escape(str(ERR_REASON)) in response.content.decode()
    assert not Movement.objects.exists()


def test_handing_out_more_than_is_held_is_refused_with_what_is_held(world, stock, login):
    move(world.community_staff, "receive", stock.masks, stock.store, 3)
    data = {"client_uuid": str(uuid.uuid4()), "item": stock.masks.pk, "quantity": "5"}
    response = login(world.community_staff).post(_move_url(stock.store, "issue"), data)
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()
    assert "3" in response.content.decode()
    assert Balance.objects.get(holder=stock.store, item=stock.masks).quantity == 3


def test_a_grid_worker_hands_out_from_their_kit_to_a_household(world, stock, login):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    move(world.community_staff, "transfer", stock.masks, stock.store, 10, to_holder=stock.kit)
    client = login(world.grid_worker)
    form = client.get(_move_url(stock.kit, "issue"))
    assert form.status_code == 200
    assert world.household_a.label in form.content.decode()
    data = {
        "client_uuid": str(uuid.uuid4()),
        "item": stock.masks.pk,
        "quantity": "2",
        "household": world.household_a.pk,
    }
    assert client.post(_move_url(stock.kit, "issue"), data).status_code == 302
    issued = Movement.objects.get(kind="issue")
    assert issued.household == world.household_a


def test_a_grid_worker_may_not_receive_or_hand_out_from_the_community_store(world, stock, login):
    client = login(world.grid_worker)
    assert client.get(_move_url(stock.kit, "receive")).status_code == 403
    assert client.get(_move_url(stock.store, "issue")).status_code == 404


def test_an_unknown_kind_of_movement_is_not_found(world, stock, login):
    assert login(world.community_staff).get(_move_url(stock.store, "steal")).status_code == 404


def test_a_transfer_offers_the_community_s_other_holders(world, stock, login):
    page = login(world.community_staff).get(_move_url(stock.store, "transfer"))
    html = page.content.decode()
    assert stock.gate.name in html and stock.kit.name in html


def test_the_holder_page_pages_its_movements(world, stock, login):
    for _ in range(30):
        move(world.community_staff, "receive", stock.masks, stock.store, 1)
    client = login(world.community_staff)
    first = client.get(reverse("supplies:holder", args=[stock.store.pk]))
    assert first.content.decode().count('data-testid="movement-row"') == 25
    second = client.get(reverse("supplies:holder", args=[stock.store.pk]) + "?page=2")
    assert second.content.decode().count('data-testid="movement-row"') == 5


def test_a_community_adds_its_own_item(world, login):
    client = login(world.community_staff)
    url = reverse("supplies:item_new", args=[world.community.pk])
    response = client.post(url, {"name": "护目镜", "unit": "副", "kind": "other"})
    assert response.status_code == 302
    item = Item.objects.get(name="护目镜")
    assert item.org_unit == world.community
    again = client.post(url, {"name": "护目镜", "unit": "副", "kind": "other"})
    assert again.status_code == 400
    listed = client.get(reverse("supplies:items", args=[world.community.pk]))
    assert "护目镜" in listed.content.decode()


def test_adding_holders_checks_names_and_workers(world, login):
    client = login(world.community_staff)
    url = reverse("supplies:holder_new", args=[world.community.pk])
    data = {"name": "南门卡点", "kind": HolderKind.CHECKPOINT, "unit": world.community.pk}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400 and escape(str(ERR_HOLDER_TAKEN)) in again.content.decode()
    kit = {"name": "无主工具包", "kind": HolderKind.WORKER_KIT, "unit": world.grid_a.pk}
    refused = client.post(url, kit)
    assert refused.status_code == 400 and escape(str(ERR_WORKER)) in refused.content.decode()
    kit["worker"] = world.grid_worker.pk
    assert client.post(url, kit).status_code == 302
    assert Holder.objects.get(name="无主工具包").worker == world.grid_worker


def test_setting_a_reorder_level_through_the_page_flags_the_stock(world, stock, login):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    client = login(world.community_staff)
    url = reverse("supplies:reorder", args=[stock.store.pk])
    assert client.post(url, {"item": stock.masks.pk, "reorder_level": "20"}).status_code == 302
    assert Balance.objects.get(holder=stock.store, item=stock.masks).reorder_level == 20
    page = client.get(reverse("supplies:holder", args=[stock.store.pk]))
    assert "list-group-item-warning" in page.content.decode()


def test_those_outside_the_community_get_404_and_those_without_supplies_403(
    world, stock, login, client
):
    url = reverse("supplies:community", args=[world.community.pk])
    assert login(world.outsider).get(url).status_code == 404
    client.logout()
    assert login(world.volunteer).get(url).status_code == 403
