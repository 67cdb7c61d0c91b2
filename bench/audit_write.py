"""The audit log without a global lock: what an audited write costs and waits for, and
how fast the sealer keeps up.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_audit_bench
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS shoumen_audit_bench' \\
        -c 'CREATE DATABASE shoumen_audit_bench'
    .venv/bin/shoumen migrate
    .venv/bin/python bench/audit_write.py [--import-rows 100000] [--cpu-writes 5000] \\
        [--seal-events 250000]                       # → results/audit-write-postgresql.json

(a) An audited write (one row and its audit event, one transaction) every 50 ms, open
    loop (latency counts from the scheduled time), while another process appends 100,000
    audit events with COPY in one transaction, as the ledger import does, and commits; a
    third process seals every second meanwhile; three imports, and the same three with
    the write unaudited, interleaved. Target: median p99 ≤ 50 ms.
(b) The same write with and without its audit event, many times each: the CPU this
    process (the app) and its PostgreSQL backend (from /proc) spend per write. Target:
    the audit event adds ≤ 0.5 ms.
(c) The sealer over a backlog of ≥ 200,000 committed events. Target ≥ 20,000 events/s.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")
# The bench database's heads stay apart from the development database's (var/audit-heads.log).
os.environ.setdefault(
    "SHOUMEN_AUDIT_HEADS_FILE", str(ROOT / "var" / "audit-heads-shoumen_audit_bench.log")
)

import django  # noqa: E402

django.setup()

from cpu import cpu_of  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from outcome import Failures, finish  # noqa: E402

from shoumen.audit.models import AuditEvent  # noqa: E402
from shoumen.audit.sealing import audit_seal  # noqa: E402
from shoumen.audit.services import (  # noqa: E402
    AUDIT_ROW_COLUMNS,
    audit_chain_appending,
    audit_event_record,
)
from shoumen.lib.bulk import copy_writer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_P99_MS, TARGET_ADDED_CPU_MS, TARGET_SEAL_RATE = 50.0, 0.5, 20_000
TABLE = "bench_audit_target"  # the audited write's own row goes here
FAILURES = Failures()
DEFAULT_INTERVAL_MS = 50.0  # 20 audited writes a second from one connection


def _ensure_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, value text)")


def _write(i: int, *, audited: bool) -> None:
    """The write: one row, and with ``audited`` its audit event, in one transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} (value) VALUES (%s)", [f"value {i}"])  # noqa: S608
        if audited:
            audit_event_record(
                actor=None,
                actor_label="bench",
                action="bench.write",
                org_path="0001",
                changes={"value": [None, f"value {i}"]},
                reason="",
            )


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _copy_events(count: int, *, hold: float = 0.0) -> dict:
    """Append ``count`` audit events with COPY in one transaction (the ledger import's
    way), then commit."""
    started = time.perf_counter()
    with transaction.atomic():
        with audit_chain_appending(actor=None, actor_label="bench-import") as chain:
            specs = (
                {
                    "action": "person.import.register",
                    "target_type": "registry.person",
                    "target_id": str(i),
                    "target_label": f"person {i}",
                    "org_path": "0001000100010001",
                    "changes": {"name": ["", "张三"], "grid": [None, 1]},
                }
                for i in range(count)
            )
            with copy_writer(AuditEvent, AUDIT_ROW_COLUMNS) as write:
                for row in chain.rows(specs):
                    write(row)
        written = time.perf_counter()
        time.sleep(hold)
        committing = time.perf_counter()
    done = time.perf_counter()
    return {
        "rows": count,
        "copy_s": round(written - started, 2),
        "commit_s": round(done - committing, 3),
        "total_s": round(done - started, 2),
    }


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "count": len(values),
        "p50_ms": round(q[49], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(values[-1], 2),
    }


def _timed_writes(
    stop: threading.Event, interval: float, out: list[float], audited: bool = True
) -> None:
    """Writes at fixed times until ``stop``; latency from the scheduled time."""
    try:
        start, i = time.perf_counter(), 0
        while not stop.is_set():
            due = start + i * interval
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            try:
                _write(i, audited=audited)
            except Exception as error:  # counted: a run with failures meets no target
                FAILURES.add(f"write {i}: {error!r}")
                connection.close()
            else:
                out.append((time.perf_counter() - due) * 1000)
            i += 1
    finally:
        connection.close()


def _helper(*args: str) -> subprocess.Popen:
    """This script in another process (as the import runs in a worker, not beside the
    request): in one process the threads would queue for Python's GIL instead."""
    return subprocess.Popen(  # noqa: S603 (this script, our arguments)
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, env=os.environ
    )


def _seal_loop(seconds: float) -> int:
    sealed, until = 0, time.monotonic() + seconds
    while time.monotonic() < until:
        sealed += audit_seal().events
        time.sleep(1.0)
    return sealed


def _during_import(import_rows: int, interval: float, *, audited: bool) -> dict:
    """Writes while another process copies an import's audit events in and commits, and a
    third one seals every second."""
    stop, during = threading.Event(), []
    sealer = _helper("--seal-for", "60")
    time.sleep(2)  # its start-up
    writer = threading.Thread(target=_timed_writes, args=(stop, interval, during, audited))
    writer.start()
    importer = _helper("--copy-events", str(import_rows))
    output = importer.communicate()[0].strip().splitlines()
    if importer.returncode != 0 or not output:
        FAILURES.add(f"the import process ended with {importer.returncode}")
        output = ["{}"]
    import_run = json.loads(output[-1])
    time.sleep(1.0)  # writes just after the commit count too
    stop.set()
    writer.join()
    sealer.terminate()
    sealer.wait()
    return {**_percentiles(during), "import": import_run}


def bench_latency(import_rows: int, interval: float, repeat: int) -> dict:
    # Baseline: the same writes for a few seconds with nothing else running.
    stop, baseline = threading.Event(), []
    writer = threading.Thread(target=_timed_writes, args=(stop, interval, baseline))
    writer.start()
    time.sleep(3)
    stop.set()
    writer.join()
    rounds: dict[str, list[dict]] = {"audited": [], "unaudited": []}
    for _round in range(repeat):  # interleaved, so that a busy moment hits both
        for kind in rounds:
            rounds[kind].append(_during_import(import_rows, interval, audited=kind == "audited"))
    result = {
        "interval_ms": interval * 1000,
        "baseline": _percentiles(baseline),
        "during_import": rounds["audited"],
        # The same write without its audit event, through the same import: what the
        # machine and the database do to any write while 100,000 rows commit.
        "unaudited_during_import": rounds["unaudited"],
        "median_p99_ms": {
            kind: statistics.median(r["p99_ms"] for r in runs) for kind, runs in rounds.items()
        },
    }
    print(f"(a) latency: {json.dumps(result)}")
    return result


def _cpu_per_write(count: int, *, audited: bool, offset: int) -> dict:
    backend = _backend_pid()
    app0, db0 = time.process_time(), cpu_of([backend])[backend]
    wall0 = time.perf_counter()
    for i in range(count):
        _write(offset + i, audited=audited)
    wall = time.perf_counter() - wall0
    app, db = time.process_time() - app0, cpu_of([backend])[backend] - db0
    return {
        "writes": count,
        "app_cpu_ms_per_write": round(app / count * 1000, 3),
        "db_cpu_ms_per_write": round(db / count * 1000, 3),
        "wall_ms_per_write": round(wall / count * 1000, 3),
    }


def bench_cpu(count: int) -> dict:
    _cpu_per_write(500, audited=True, offset=0)  # warm-up
    runs: dict[str, list[dict]] = {"unaudited": [], "audited": []}
    for round_no in range(3):  # interleaved, so that a busy moment hits both
        for kind in ("unaudited", "audited"):
            runs[kind].append(
                _cpu_per_write(count, audited=kind == "audited", offset=round_no * count)
            )

    def best(kind: str, key: str) -> float:
        return min(r[key] for r in runs[kind])

    added = {
        key: round(best("audited", key) - best("unaudited", key), 3)
        for key in ("app_cpu_ms_per_write", "db_cpu_ms_per_write")
    }
    added["server_cpu_ms_per_write"] = round(sum(added.values()), 3)
    result = {"runs": runs, "added_by_audit_best_of_3": added}
    print(f"(b) cpu: {json.dumps(added)}")
    return result


def bench_seal(events: int) -> dict:
    audit_seal()  # whatever earlier phases left
    batch = 50_000
    for start in range(0, events, batch):
        _copy_events(min(batch, events - start))
    app0, wall0 = time.process_time(), time.perf_counter()
    result = audit_seal()
    wall = time.perf_counter() - wall0
    app = time.process_time() - app0
    out = {
        "events": result.events,
        "blocks": len(result.blocks),
        "seconds": round(wall, 2),
        "events_per_s": round(result.events / wall),
        "app_cpu_s": round(app, 2),
    }
    print(f"(c) sealer: {json.dumps(out)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--interval-ms", type=float, default=DEFAULT_INTERVAL_MS)
    parser.add_argument("--rounds", type=int, default=3, help="imports per kind of write")
    parser.add_argument("--cpu-writes", type=int, default=5000)
    parser.add_argument("--seal-events", type=int, default=250_000)
    parser.add_argument("--copy-events", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seal-for", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.copy_events:
        print(json.dumps(_copy_events(args.copy_events)))
        return
    if args.seal_for:
        print(json.dumps({"sealed": _seal_loop(args.seal_for)}))
        return
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL (DATABASE_URL=postgres://...).")
    _ensure_table()
    latency = bench_latency(args.import_rows, args.interval_ms / 1000, args.rounds)
    cpu = bench_cpu(args.cpu_writes)
    seal = bench_seal(args.seal_events)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    met = {
        "p99": latency["median_p99_ms"]["audited"] <= TARGET_P99_MS,
        "cpu": cpu["added_by_audit_best_of_3"]["server_cpu_ms_per_write"] <= TARGET_ADDED_CPU_MS,
        "sealer": seal["events_per_s"] >= TARGET_SEAL_RATE,
    }
    report = {
        "date": timezone.localdate().isoformat(),
        "machine": {"postgresql": pg_version.split(" on ")[0]},
        "write_latency_during_import": latency,
        "cpu_per_write": cpu,
        "sealer": seal,
        "targets": {
            "p99_ms": TARGET_P99_MS,
            "added_server_cpu_ms": TARGET_ADDED_CPU_MS,
            "seal_events_per_s": TARGET_SEAL_RATE,
        },
        "met": met,
    }
    name = "audit-write-postgresql.json"
    if args.interval_ms != DEFAULT_INTERVAL_MS:
        name = f"audit-write-{args.interval_ms:g}ms-postgresql.json"
    print(f"targets met: {met}")
    sys.exit(finish(report, RESULTS / name, failures=FAILURES, met=all(met.values())))


if __name__ == "__main__":
    main()
