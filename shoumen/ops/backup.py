"""Backup and restore of the whole database, with a manifest that lets a restore prove
itself: the migration state, row counts per table, the data key's fingerprint and the last
signed audit head. Keys are never written.

PostgreSQL is dumped with ``pg_dump -Fc`` from a snapshot exported by the transaction that
counts the rows, so counts and dump describe the same moment; SQLite uses its online
backup API. A restore goes into an empty database only."""

import hashlib
import hmac
import io
import json
import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
SAMPLE_SIZE = 50

ERR_TARGET_EXISTS = "The backup folder {path} already exists and is not empty; choose a new one."
ERR_NO_MANIFEST = "{path} holds no backup manifest ({name})."
ERR_FORMAT = "This backup was written in format {found}; this version reads format {expected}."
ERR_VENDOR = "This backup is of a {found} database; the configured database is {expected}."
ERR_CHECKSUM = "The database file of this backup does not match its manifest: it is damaged."
ERR_KEY = (
    "SHOUMEN_DATA_KEY is not the key this backup was made with (fingerprint {found}, "
    "backup {expected}). Set the key kept with the backup and run restore again; "
    "nothing was written."
)
ERR_NOT_EMPTY = (
    "The configured database is not empty ({count} tables). Restore only into a new, empty "
    "database; nothing was written."
)
ERR_TOOL = "{tool} failed: {detail}"


class BackupError(Exception):
    """A refusal or failure with a message meant for the operator."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    decrypted: int = 0
    audit: str = ""
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatched


def data_key_fingerprint(key: bytes | None = None) -> str:
    """A digest that identifies the data key without revealing it."""
    key = settings.SHOUMEN_DATA_KEY if key is None else key
    return hmac.new(key, b"shoumen data key fingerprint v1", hashlib.sha256).hexdigest()[:32]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _db(using: str) -> dict[str, Any]:
    return connections[using].settings_dict


def _vendor(using: str) -> str:
    return connections[using].vendor


def _pg_conninfo(db: dict[str, Any]) -> dict[str, Any]:
    info = {
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "dbname": db["NAME"],
    }
    if db.get("PASSWORD"):
        info["password"] = db["PASSWORD"]
    return {k: v for k, v in info.items() if v}


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    # The tool is pg_dump or pg_restore; the arguments come from settings, not from users.
    done = subprocess.run(  # noqa: S603
        [tool, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(ERR_TOOL.format(tool=tool, detail=done.stderr.strip()[-2000:]))


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (catalogue names)
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _backup_postgresql(db: dict[str, Any], target: Path) -> dict[str, int]:
    """Count the rows and dump in one snapshot: pg_dump joins the snapshot that this
    repeatable-read transaction exports and holds open until the dump is written."""
    with psycopg.connect(**_pg_conninfo(db), autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchall()[0]
        with conn.cursor() as cursor:
            counts = _count_rows(cursor, _pg_tables(cursor), _pg_quote)
        args = [*_pg_args(db), "--format=custom", f"--snapshot={snapshot}"]
        _run("pg_dump", [*args, f"--file={target / PG_DUMP_FILE}", db["NAME"]], _pg_env(db))
        conn.rollback()
    return counts


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _backup_sqlite(using: str, target: Path) -> dict[str, int]:
    connection = connections[using]
    connection.ensure_connection()
    dest = sqlite3.connect(target / SQLITE_FILE)
    try:
        connection.connection.backup(dest)
        cursor = dest.cursor()
        return _count_rows(cursor, _sqlite_tables(dest), _pg_quote)
    finally:
        dest.close()


def _migrations(using: str) -> dict[str, list[str]]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        state: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            state.setdefault(app, []).append(name)
    return state


def audit_head_for_manifest() -> str | None:
    """The audit log sealed up to now, and its last signed head as a line of the heads file
    (``shoumen audit head`` prints the same)."""
    from shoumen.audit.models import AuditBlock
    from shoumen.audit.sealing import audit_seal
    from shoumen.audit.signing import head_line

    audit_seal()
    block = AuditBlock.objects.order_by("-number").first()
    return None if block is None else head_line(block)


def backup_create(path: Path, *, using: str = "default") -> dict[str, Any]:
    """Write the database and its manifest into the new folder ``path``; return the manifest."""
    if path.exists() and any(path.iterdir()):
        raise BackupError(ERR_TARGET_EXISTS.format(path=path))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Sealed before the dump, so that the dump holds the block this head names.
    audit_head = audit_head_for_manifest()
    vendor = _vendor(using)
    if vendor == "postgresql":
        counts, name = _backup_postgresql(_db(using), path), PG_DUMP_FILE
    elif vendor == "sqlite":
        counts, name = _backup_sqlite(using, path), SQLITE_FILE
    else:
        raise BackupError(ERR_VENDOR.format(found=vendor, expected="PostgreSQL or SQLite"))
    (path / name).chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database_file": name,
        "sha256": _sha256(path / name),
        "migrations": _migrations(using),
        "row_counts": counts,
        "data_key_fingerprint": data_key_fingerprint(),
        "audit_head": audit_head,
    }
    manifest_path = path / MANIFEST
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    manifest_path.chmod(0o600)
    return manifest


def manifest_read(path: Path) -> dict[str, Any]:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(ERR_NO_MANIFEST.format(path=path, name=MANIFEST))
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(ERR_FORMAT.format(found=manifest.get("format"), expected=FORMAT))
    return manifest


def _table_count(using: str) -> int:
    return len(connections[using].introspection.table_names())


def _restore_postgresql(db: dict[str, Any], dump: Path) -> None:
    args = [*_pg_args(db), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run(
        "pg_restore",
        [*args, "--single-transaction", f"--dbname={db['NAME']}", str(dump)],
        _pg_env(db),
    )


def _restore_sqlite(using: str, source: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        src.backup(connection.connection)
    finally:
        src.close()


def _current_counts(using: str, tables: list[str]) -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return _count_rows(cursor, tables, connection.ops.quote_name)


def _decrypt_sample() -> int:
    """Decrypt a sample of ID numbers and phones: proves the key opens the restored data."""
    from shoumen.registry.models import Person

    decrypted = 0
    sample = Person.objects.exclude(id_number_encrypted=None).order_by("pk")[:SAMPLE_SIZE]
    for person in sample:
        person.id_number()
        person.phone()
        decrypted += 1
    return decrypted


def backup_restore(path: Path, *, using: str = "default") -> RestoreReport:
    """Restore the backup in ``path`` into the configured, empty database and check it."""
    manifest = manifest_read(path)
    vendor = _vendor(using)
    if manifest["vendor"] != vendor:
        raise BackupError(ERR_VENDOR.format(found=manifest["vendor"], expected=vendor))
    fingerprint = data_key_fingerprint()
    if manifest["data_key_fingerprint"] != fingerprint:
        raise BackupError(
            ERR_KEY.format(found=fingerprint, expected=manifest["data_key_fingerprint"])
        )
    source = path / manifest["database_file"]
    if _sha256(source) != manifest["sha256"]:
        raise BackupError(ERR_CHECKSUM)
    existing = _table_count(using)
    if existing:
        raise BackupError(ERR_NOT_EMPTY.format(count=existing))
    if vendor == "postgresql":
        _restore_postgresql(_db(using), source)
    else:
        _restore_sqlite(using, source)
    expected = manifest["row_counts"]
    found = _current_counts(using, sorted(expected))
    report = RestoreReport(tables=len(found), rows=sum(found.values()))
    report.mismatched = {t: (n, found[t]) for t, n in expected.items() if found[t] != n}
    report.decrypted = _decrypt_sample()
    report.audit = _verify_audit(manifest.get("audit_head"), path)
    return report


def _verify_audit(head: str | None, path: Path) -> str:
    """``shoumen audit verify``, held against the head recorded when the backup was made:
    the operator's heads file runs ahead of any backup."""
    from django.core.management import call_command

    out = io.StringIO()
    with tempfile.TemporaryDirectory() as scratch:
        heads = Path(scratch) / "backup-head.log"
        heads.write_text((head + "\n") if head else "")
        call_command("audit", "verify", "--heads", str(heads), stdout=out)
    return out.getvalue().strip()
