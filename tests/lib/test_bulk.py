import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shoumen.lib.bulk import next_ids, update_objects, update_rows
from shoumen.registry.models import Person

pytestmark = pytest.mark.django_db


def test_update_rows_sets_each_row_by_its_key_in_one_statement_and_leaves_the_rest(world):
    shan, zeng, other = world.shan, world.zeng, world.neighbour
    when = timezone.now() - datetime.timedelta(days=1)
    rows = [
        [shan.pk, "单明明", datetime.date(1990, 5, 1), b"\x01\x02", "", when],
        [zeng.pk, "曾丽丽", None, None, "邻居代为联系", when],
    ]
    attnames = ["name", "birth_date", "phone_encrypted", "notes", "updated_at"]
    with CaptureQueriesContext(connection) as queries:
        update_rows(Person, ["id"], attnames, rows)
    assert len(queries.captured_queries) == 1
    shan.refresh_from_db()
    zeng.refresh_from_db()
    assert (shan.name, shan.birth_date, bytes(shan.phone_encrypted), shan.notes) == (
        "单明明",
        datetime.date(1990, 5, 1),
        b"\x01\x02",
        "",
    )
    assert (zeng.name, zeng.birth_date, zeng.phone_encrypted, zeng.notes) == (
        "曾丽丽",
        None,
        None,
        "邻居代为联系",
    )
    assert shan.updated_at == when
    assert Person.objects.get(pk=other.pk).name == other.name


def test_update_rows_with_no_rows_sends_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        update_rows(Person, ["id"], ["name"], [])
    assert queries.captured_queries == []


def test_update_objects_writes_the_values_the_instances_hold(world):
    shan, zeng = world.shan, world.zeng
    shan.notes, zeng.notes = "独居老人", "需上门"
    with CaptureQueriesContext(connection) as queries:
        update_objects([shan, zeng], ["notes"])
    assert len(queries.captured_queries) == 1
    assert dict(Person.objects.filter(pk__in=[shan.pk, zeng.pk]).values_list("pk", "notes")) == {
        shan.pk: "独居老人",
        zeng.pk: "需上门",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL sequence")
def test_next_ids_draws_new_distinct_ids_from_the_tables_sequence(world):
    before = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = next_ids(Person, 5)
    assert len(set(ids)) == 5
    assert min(ids) > before
    assert next_ids(Person, 1)[0] > max(ids)
    assert next_ids(Person, 0) == []
