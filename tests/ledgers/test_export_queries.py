"""The export reads the register in one streamed query however many rows it has."""

import pytest

from shoumen.ledgers.export_services import FORMAT_CSV, FORMAT_XLSX, register_export
from shoumen.registry.household_services import household_create
from shoumen.registry.models import Relation
from tests.ledgers.export_helpers import child

# Scope, the persons, the audit chain head, event and head update, and savepoints.
MAX_QUERIES = 9


def _add_households(world, count):
    admin = world.admin_user
    for door in range(count):
        household = household_create(
            actor=admin,
            grid=world.grid_a,
            building=world.building_a,
            unit="3",
            door_number=str(600 + door),
        )
        child(admin, household, f"户主{door}", relation=Relation.HEAD, phone="13900001111")
        child(admin, household, f"孩子{door}")


@pytest.mark.parametrize("fmt", [FORMAT_XLSX, FORMAT_CSV])
def test_export_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries, fmt):
    actor, community = world.community_staff, world.community
    with django_assert_max_num_queries(MAX_QUERIES):
        small = register_export(actor=actor, org_unit=community, fmt=fmt)
    _add_households(world, 30)
    actor = world.community_staff  # fresh: no cached assignments
    with django_assert_max_num_queries(MAX_QUERIES):
        large = register_export(actor=actor, org_unit=community, fmt=fmt)
    assert (small.rows, large.rows) == (4, 64)
