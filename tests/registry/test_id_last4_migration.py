"""The migration that replaces the plain ID last 4 with its keyed index, both ways, on the
database the suite runs on (SQLite and PostgreSQL)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shoumen.lib import crypto
from shoumen.registry.models import ID_CONTEXT, id_last4_index

BEFORE = [("registry", "0005_registry_indexes_without_redundant_copies")]
AFTER = [("registry", "0008_drop_plaintext_id_number_last4")]
NUMBER = "11010519850307001X"

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0005():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_last4_becomes_a_keyed_index_and_comes_back_on_reverse(at_0005):
    apps = at_0005
    OrgUnit = apps.get_model("places", "OrgUnit")
    Household = apps.get_model("registry", "Household")
    Person = apps.get_model("registry", "Person")
    grid = OrgUnit.objects.create(path="ZZZZ", depth=1, code="MIG", name="迁移", level="grid")
    household = Household.objects.create(grid=grid, address="测试路 1 号")
    with_number = Person.objects.create(
        name="迁一",
        sex="M",
        document_type="resident_id",
        id_number_encrypted=crypto.encrypt(NUMBER, context=ID_CONTEXT),
        id_number_index="mig-index",
        id_number_last4=NUMBER[-4:],
        household=household,
        grid=grid,
    )
    without = Person.objects.create(
        name="迁二", sex="F", document_type="none", household=household, grid=grid
    )

    Person = _migrate(AFTER).get_model("registry", "Person")
    assert Person.objects.get(pk=with_number.pk).id_number_last4_index == id_last4_index(NUMBER)
    assert Person.objects.get(pk=without.pk).id_number_last4_index == ""
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), Person._meta.db_table
        )
    ]
    assert "id_number_last4" not in columns

    Person = _migrate(BEFORE).get_model("registry", "Person")
    assert Person.objects.get(pk=with_number.pk).id_number_last4 == NUMBER[-4:]
    assert Person.objects.get(pk=without.pk).id_number_last4 == ""
