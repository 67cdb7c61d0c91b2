"""The backup and restore drill: the persona world is backed up, restored into a new, empty
database by `shoumen restore` in its own process, and comes back with the same rows, the
same decrypted ID numbers and an intact audit trail; a wrong key or a used database is
refused before anything is written."""

import base64
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from shoumen.lib import crypto
from shoumen.ops.backup import ERR_TARGET_EXISTS, MANIFEST, BackupError, backup_create
from shoumen.registry.models import ID_CONTEXT, Person

# A backup reads committed data from its own connection (SQLite's backup API waits for an
# open write transaction), so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

PG_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _key_env(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def _restore(path: Path, database_url: str, *, key: bytes) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=database_url, SHOUMEN_DATA_KEY=_key_env(key))
    return subprocess.run(
        [sys.executable, "-m", "shoumen.cli", "restore", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def target_url(tmp_path):
    """A new, empty database of the same kind as the one under test."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"shoumen_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restored_ids(url: str) -> dict[int, str]:
    query = (
        "SELECT id, id_number_encrypted FROM registry_person WHERE id_number_encrypted IS NOT NULL"
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            rows = conn.execute(query).fetchall()
    else:
        with psycopg.connect(url) as conn:
            rows = conn.execute(query).fetchall()
    return {pk: crypto.decrypt(token, context=ID_CONTEXT) for pk, token in rows}


def _table_count(url: str) -> int:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with sqlite3.connect(path) as conn:
            tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            return conn.execute(tables).fetchone()[0]
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]


def test_backup_restores_into_a_new_database_with_same_rows_values_and_audit(
    world, tmp_path, target_url
):
    backup = tmp_path / "backup"
    manifest = backup_create(backup)

    written = json.loads((backup / MANIFEST).read_text())
    assert written["row_counts"]["registry_person"] == Person.objects.count() > 0
    assert written["vendor"] == connection.vendor
    assert "registry" in written["migrations"]
    assert json.loads(written["audit_head"])["signature"]
    key_text = _key_env(settings.SHOUMEN_DATA_KEY)
    assert all(key_text not in p.read_bytes().decode("latin-1") for p in backup.iterdir())

    done = _restore(backup, target_url, key=settings.SHOUMEN_DATA_KEY)
    assert done.returncode == 0, done.stderr
    rows = sum(manifest["row_counts"].values())
    assert f"{rows} rows" in done.stdout
    assert "decrypted" in done.stdout
    assert "1 recorded heads match" in done.stdout

    expected = {p.pk: p.id_number() for p in Person.objects.exclude(id_number_encrypted=None)}
    assert _restored_ids(target_url) == expected


def test_restore_refuses_a_different_data_key_and_writes_nothing(world, tmp_path, target_url):
    backup = tmp_path / "backup"
    backup_create(backup)

    done = _restore(backup, target_url, key=b"\x01" * 32)

    assert done.returncode != 0
    assert "SHOUMEN_DATA_KEY is not the key this backup was made with" in done.stderr
    assert _table_count(target_url) == 0


def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path, target_url):
    backup = tmp_path / "backup"
    backup_create(backup)
    assert _restore(backup, target_url, key=settings.SHOUMEN_DATA_KEY).returncode == 0

    again = _restore(backup, target_url, key=settings.SHOUMEN_DATA_KEY)

    assert again.returncode != 0
    assert "is not empty" in again.stderr


def test_restore_refuses_a_damaged_dump(world, tmp_path, target_url):
    backup = tmp_path / "backup"
    manifest = backup_create(backup)
    dump = backup / manifest["database_file"]
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")

    done = _restore(backup, target_url, key=settings.SHOUMEN_DATA_KEY)

    assert done.returncode != 0
    assert "damaged" in done.stderr
    assert _table_count(target_url) == 0


def test_backup_refuses_a_folder_that_is_not_empty(world, tmp_path):
    (tmp_path / "old.txt").write_text("x")

    with pytest.raises(BackupError) as refused:
        backup_create(tmp_path)

    assert str(refused.value) == ERR_TARGET_EXISTS.format(path=tmp_path)
