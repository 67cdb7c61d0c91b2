"""The supplies' pages read in a fixed number of queries, however many holders, items and
movements there are."""

import pytest
from django.urls import reverse

from shoumen.supplies.models import Holder, HolderKind, Item
from shoumen.supplies.setup_services import reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db


def _fill(world, stock, holders: int):
    items = list(Item.objects.filter(org_unit=None)[:4])
    for i in range(holders):
        gate = Holder.objects.create(
            org_unit=world.community, kind=HolderKind.CHECKPOINT, name=f"卡点{i}"
        )
        for item in items:
            move(world.community_staff, "receive", item, stock.store, 10, batch=f"B{i}")
            move(world.community_staff, "transfer", item, stock.store, 5, to_holder=gate)
            move(world.community_staff, "issue", item, gate, 1)
            reorder_level_set(actor=world.community_staff, holder=gate, item=item, level=9)


def _count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("holders", [1, 6])
def test_the_community_page_reads_in_a_fixed_number_of_queries(
    world, stock, login, django_assert_max_num_queries, holders
):
    _fill(world, stock, holders)
    client = login(world.community_staff)
    url = reverse("supplies:community", args=[world.community.pk])
    _count(client, url, django_assert_max_num_queries, 13)


@pytest.mark.parametrize("holders", [1, 6])
def test_the_holder_page_reads_in_a_fixed_number_of_queries(
    world, stock, login, django_assert_max_num_queries, holders
):
    _fill(world, stock, holders)
    client = login(world.community_staff)
    url = reverse("supplies:holder", args=[stock.store.pk])
    _count(client, url, django_assert_max_num_queries, 13)
