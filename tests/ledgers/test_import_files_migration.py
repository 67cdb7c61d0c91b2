"""The migration that encrypts uploads and error reports stored raw before, on the database
the suite runs on (SQLite and PostgreSQL)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shoumen.accounts.models import User
from shoumen.ledgers.import_files import DATA_CONTEXT, REPORT_CONTEXT, unseal
from shoumen.places.models import OrgUnit

BEFORE = [("ledgers", "0001_import_models")]
AFTER = [("ledgers", "0002_import_files_encrypted_and_previewed")]
UPLOAD = "姓名,身份证号\n张三,110105198001010139\n".encode()

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0001():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_uploads_stored_raw_before_are_encrypted(at_0001):
    ImportJob = at_0001.get_model("ledgers", "ImportJob")
    # Units and users as their tables are now (only the ledgers app went back).
    grid = OrgUnit.objects.create(path="ZZZY", depth=1, code="MIGL", name="迁移", level="grid")
    user = User.objects.create(username="migration-importer")
    owner = {"org_unit_id": grid.pk, "created_by_id": user.pk}
    raw = ImportJob.objects.create(
        **owner, filename="a.csv", data=UPLOAD, error_report=b"PK report"
    )
    no_report = ImportJob.objects.create(**owner, filename="b.csv", data=UPLOAD)

    ImportJob = _migrate(AFTER).get_model("ledgers", "ImportJob")
    data, report = ImportJob.objects.values_list("data", "error_report").get(pk=raw.pk)
    assert b"110105198001010139" not in bytes(data)
    assert unseal(data, context=DATA_CONTEXT) == UPLOAD
    assert unseal(report, context=REPORT_CONTEXT) == b"PK report"
    assert ImportJob.objects.get(pk=no_report.pk).error_report is None
