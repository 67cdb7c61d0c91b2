"""Days of cover (the balance over the average daily quantity issued and transferred out in
the last SHOUMEN_SUPPLIES_COVER_DAYS days, None with no use) and batches expiring within
SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS days at holders still holding the item, at the edges."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from shoumen.supplies.selectors import days_of_cover, expiring_batches, stock_rows
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = datetime.date(2026, 6, 15)


def _row(holder, item, now=NOW):
    return next(r for r in stock_rows([holder], now=now) if r.item == item)


def test_no_use_gives_no_days_of_cover(world, stock):
    move(world.community_staff, "receive", stock.masks, stock.store, 100)
    assert _row(stock.store, stock.masks).cover is None
    assert days_of_cover(Decimal(10), None) is None


def test_days_of_cover_is_balance_over_average_daily_use_of_the_last_14_days(world, stock):
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        move(world.community_staff, "receive", stock.masks, stock.store, 200)
        move(world.community_staff, "issue", stock.masks, stock.store, 14)
        move(world.community_staff, "transfer", stock.masks, stock.store, 14, to_holder=stock.gate)
    # 28 out in 14 days: 2 a day; 172 held: 86 days.
    assert _row(stock.store, stock.masks).cover == Decimal("86.0")
    # What came in by transfer is no use of the gate's.
    assert _row(stock.gate, stock.masks).cover is None


def test_use_exactly_14_days_ago_counts_and_a_second_earlier_does_not(world, stock):
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        move(world.community_staff, "receive", stock.masks, stock.store, 100)
    with time_machine.travel(NOW - datetime.timedelta(days=14, seconds=1), tick=False):
        move(world.community_staff, "issue", stock.masks, stock.store, 28)
    assert _row(stock.store, stock.masks).cover is None
    with time_machine.travel(NOW - datetime.timedelta(days=14), tick=False):
        move(world.community_staff, "issue", stock.masks, stock.store, 14)
    # 14 in 14 days: 1 a day; 58 held.
    assert _row(stock.store, stock.masks).cover == Decimal("58.0")


@override_settings(SHOUMEN_SUPPLIES_COVER_DAYS=7)
def test_the_cover_window_is_a_setting(world, stock):
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        move(world.community_staff, "receive", stock.masks, stock.store, 100)
        move(world.community_staff, "issue", stock.masks, stock.store, 30)
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        move(world.community_staff, "issue", stock.masks, stock.store, 7)
    assert _row(stock.store, stock.masks).cover == Decimal("63.0")


def test_days_of_cover_rounds_to_one_decimal():
    assert days_of_cover(Decimal(10), Decimal(3)) == Decimal("3.3")
    assert days_of_cover(Decimal(0), Decimal(3)) == Decimal("0.0")


def _receive(world, stock, expires_on, batch, holder=None, quantity=10):
    return move(
        world.community_staff,
        "receive",
        stock.masks,
        holder or stock.store,
        quantity,
        batch=batch,
        expires_on=expires_on,
    )


def test_a_batch_expiring_on_the_30th_day_is_listed_and_on_the_31st_is_not(world, stock):
    _receive(world, stock, TODAY + datetime.timedelta(days=30), "B30")
    _receive(world, stock, TODAY + datetime.timedelta(days=31), "B31")
    _receive(world, stock, None, "NONE")
    with time_machine.travel(NOW, tick=False):
        batches = expiring_batches([stock.store], day=TODAY)
        assert [b.movement.batch for b in batches] == ["B30"]
        assert batches[0].held == Decimal(30)
        assert not batches[0].expired


def test_an_expired_batch_still_held_is_listed_as_expired(world, stock):
    _receive(world, stock, TODAY - datetime.timedelta(days=1), "OLD")
    _receive(world, stock, TODAY, "LAST")
    with time_machine.travel(NOW, tick=False):
        batches = expiring_batches([stock.store], day=TODAY)
        assert [(b.movement.batch, b.expired) for b in batches] == [
            ("OLD", True),
            ("LAST", False),
        ]


def test_a_holder_that_no_longer_holds_the_item_lists_no_expiring_batch(world, stock):
    _receive(world, stock, TODAY + datetime.timedelta(days=5), "B5", holder=stock.gate)
    move(world.community_staff, "issue", stock.masks, stock.gate, 10)
    assert expiring_batches([stock.gate], day=TODAY) == []


@override_settings(SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS=7)
def test_the_expiry_warning_window_is_a_setting(world, stock):
    _receive(world, stock, TODAY + datetime.timedelta(days=7), "B7")
    _receive(world, stock, TODAY + datetime.timedelta(days=8), "B8")
    assert [b.movement.batch for b in expiring_batches([stock.store], day=TODAY)] == ["B7"]
