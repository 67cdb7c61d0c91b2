"""The supplies' daily figures: households handed supplies that day under each community
(each household once), and low-stock alerts open at the day's end."""

import datetime

import pytest
import time_machine

from shoumen.lib.metrics import metric_named
from shoumen.supplies.reports import households_served, low_stock_open
from shoumen.supplies.setup_services import reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 2)


def test_the_metrics_are_registered_per_community():
    served, low = metric_named("supplies.households_served"), metric_named("supplies.low_stock")
    assert served is not None and served.level == "community" and served.unit == "households"
    assert low is not None and low.stock and low.unit == "alerts"


def test_households_handed_supplies_count_each_household_once_on_its_day(world, stock):
    staff = world.community_staff
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):
        move(staff, "receive", stock.masks, stock.store, 100)
        move(staff, "issue", stock.masks, stock.store, 1, household=world.household_a)
    with time_machine.travel("2026-06-02 23:59 +0800", tick=False):
        move(staff, "issue", stock.masks, stock.store, 1, household=world.household_a)
        move(staff, "issue", stock.masks, stock.store, 1, household=world.household_a)
        move(staff, "issue", stock.masks, stock.store, 1)  # to no household
    other = world.unit("C2")
    got = households_served([world.community.pk, other.pk], DAY)
    assert got == {world.community.pk: 1.0}
    assert households_served([world.community.pk], DAY + datetime.timedelta(days=1)) == {}


def test_low_stock_alerts_open_at_the_end_of_the_day_count(world, stock):
    staff = world.community_staff
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):
        reorder_level_set(actor=staff, holder=stock.store, item=stock.masks, level=5)
        reorder_level_set(actor=staff, holder=stock.gate, item=stock.masks, level=5)
    with time_machine.travel("2026-06-02 10:00 +0800", tick=False):
        move(staff, "receive", stock.masks, stock.gate, 5)  # resolves the gate's
    assert low_stock_open([world.community.pk], datetime.date(2026, 6, 1)) == {
        world.community.pk: 2.0
    }
    assert low_stock_open([world.community.pk], DAY) == {world.community.pk: 1.0}
    assert low_stock_open([world.community.pk], datetime.date(2026, 5, 31)) == {}
