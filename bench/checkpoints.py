"""Checkpoint scanning at the scale of the large demo district (1,000,000 persons):
online pass verification under an open-loop load, and the sync of a phone's offline queue.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_checkpoint_bench
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS shoumen_checkpoint_bench' \\
        -c 'CREATE DATABASE shoumen_checkpoint_bench'
    .venv/bin/shoumen migrate
    .venv/bin/python bench/load.py --size large        # 1,000,000 persons, streamed with COPY
    .venv/bin/python bench/checkpoints.py [--rate 500] [--seconds 30] [--queued 10000]

The script issues a pass to every resident (COPY, once), then starts gunicorn against the
same database and measures, through HTTP with a personal access token:
- POST /api/v1/passes/verify at a fixed arrival rate (open loop: a request is sent at its
  scheduled time whether or not earlier ones have answered; latency counts from the
  scheduled time, so queueing is not hidden). Target p99 ≤ 20 ms at 500 scans/s.
- POST /api/v1/scans/batch with 10,000 queued offline scans in chunks of 1,000 (the
  API's limit), then the same chunks again. Target ≤ 5 s; the replay adds no row.
"""

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

from cpu import CpuMeter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from outcome import Failures, finish  # noqa: E402

from shoumen.accounts.models import RoleAssignment, User  # noqa: E402
from shoumen.accounts.roles import Role  # noqa: E402
from shoumen.accounts.services import api_token_create  # noqa: E402
from shoumen.checkpoints import signing  # noqa: E402
from shoumen.checkpoints.models import Checkpoint, Pass, Scan  # noqa: E402
from shoumen.demo.load import demo_district  # noqa: E402
from shoumen.places.models import Level, OrgUnit  # noqa: E402
from shoumen.registry.models import Person  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_P99_MS, TARGET_SYNC_S = 20.0, 5.0
REVOKED_EVERY = 100  # one pass in a hundred is revoked
VOLUNTEER = "bench-checkpoint-volunteer"


# ---------------------------------------------------------------- data


def issue_passes() -> dict:
    """A pass for every resident without one, streamed with COPY (the demo issues passes in
    one community only; a repeat run finds nothing left to issue)."""
    started = time.perf_counter()
    community_of = {}
    for grid in OrgUnit.objects.filter(level=Level.GRID):
        community_of[grid.pk] = OrgUnit.objects.get_parent(grid).pk
    now = timezone.now()
    valid_until = timezone.localdate() + datetime.timedelta(days=settings.PASS_VALID_DAYS)
    columns = (
        "person_id, community_id, household_id, version, valid_until, status, revoke_reason, "
        "revoke_note, changed_at, issued_at"
    )
    n = 0
    with transaction.atomic(), connection.cursor() as read, connection.cursor() as write:
        read.execute(
            "SELECT id, grid_id, household_id FROM registry_person p WHERE status = %s "
            "AND NOT EXISTS (SELECT 1 FROM checkpoints_pass s WHERE s.person_id = p.id)",
            ["resident"],
        )
        with write.cursor.copy(f"COPY checkpoints_pass ({columns}) FROM STDIN") as copy:
            while rows := read.fetchmany(20000):
                for person_id, grid_id, household_id in rows:
                    n += 1
                    revoked = n % REVOKED_EVERY == 0
                    copy.write_row(
                        [
                            person_id,
                            community_of[grid_id],
                            household_id,
                            1,
                            valid_until,
                            "revoked" if revoked else "valid",
                            "manual" if revoked else "",
                            "",
                            now,
                            now,
                        ]
                    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE checkpoints_pass")
    return {"passes": n, "seconds": round(time.perf_counter() - started, 1)}


def gate_and_volunteer() -> tuple[Checkpoint, str]:
    community = OrgUnit.objects.filter(level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    gate, _ = Checkpoint.objects.get_or_create(community=community, name="测试北门")
    user, created = User.objects.get_or_create(username=VOLUNTEER, display_name="卡点志愿者")
    if created:
        RoleAssignment.objects.create(user=user, role=Role.CHECKPOINT_VOLUNTEER, org_unit=community)
    _token, raw = api_token_create(actor=None, user=user)
    return gate, raw


def tokens_for(rng: random.Random, gate: Checkpoint, count: int, other: int) -> list[str]:
    """Tokens of the gate's community (``count``) and of other communities (``other``)."""
    fields = ("pk", "person_id", "community_id", "valid_until", "version")
    own = list(Pass.objects.filter(community_id=gate.community_id).values_list(*fields))
    foreign = list(
        Pass.objects.exclude(community_id=gate.community_id).values_list(*fields)[:50000]
    )
    picked = rng.choices(own, k=count) + rng.sample(foreign, other)
    rng.shuffle(picked)
    return [signing.sign(signing.PassClaims(*row)) for row in picked]


# ---------------------------------------------------------------- HTTP


class Conn:
    """One keep-alive HTTP/1.1 connection, enough for JSON requests to gunicorn."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict, body: bytes
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        head += [f"Content-Length: {len(body)}", "", ""]
        self.writer.write("\r\n".join(head).encode() + body)
        await self.writer.drain()
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {
            k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        content = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status, content


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        pass
    else:
        raise RuntimeError(f"port {port} is already in use: choose another with --port")
    env = {**os.environ, "SHOUMEN_DEBUG": "0"}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "shoumen.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


async def open_loop(port, headers, bodies, rate: float, connections: int) -> dict:
    """Send ``bodies`` at ``rate`` per second on a schedule; latency from scheduled time."""
    idle: asyncio.Queue[Conn] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(Conn("127.0.0.1", port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    verdicts: dict[str, int] = {}
    start = time.perf_counter() + 0.5

    async def one(i: int, body: bytes) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await idle.get()
        try:
            status, content = await conn.request("POST", "/api/v1/passes/verify", headers, body)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status, content = 0, b""  # no answer: counted as failed
            conn.writer = None
        finally:
            idle.put_nowait(conn)
        latencies.append((time.perf_counter() - scheduled) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            reason = json.loads(content)["reason"]
            verdicts[reason] = verdicts.get(reason, 0) + 1

    await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "offered_rate_per_s": rate,
        "achieved_rate_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(percentile(latencies, 0.90), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1),
        "statuses": statuses,
        "errors": len(latencies) - statuses.get(200, 0),
        "reasons": verdicts,
    }


async def one_at_a_time(port, headers, bodies) -> dict:
    """Service time: one request after another on one connection (no queueing)."""
    conn = Conn("127.0.0.1", port)
    timings = []
    errors = 0
    for body in bodies:
        started = time.perf_counter()
        status, _content = await conn.request("POST", "/api/v1/passes/verify", headers, body)
        if status != 200:
            errors += 1
            continue
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "requests": len(bodies),
        "errors": errors,
        "p50_ms": round(statistics.median(timings), 1) if timings else None,
        "p99_ms": round(percentile(timings, 0.99), 1) if timings else None,
    }


async def post_batches(port, headers, batches: list[bytes]) -> tuple[float, dict]:
    conn = Conn("127.0.0.1", port)
    totals = {"created": 0, "unchanged": 0, "errors": 0, "flagged": 0, "failed_requests": 0}
    started = time.perf_counter()
    for body in batches:
        status, content = await conn.request("POST", "/api/v1/scans/batch", headers, body)
        if status != 200:
            totals["failed_requests"] += 1
            continue
        out = json.loads(content)
        for key in ("created", "unchanged", "errors", "flagged"):
            totals[key] += out[key]
    return time.perf_counter() - started, totals


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,200,500", help="arrival rates to measure, per second"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=18493)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    if demo_district() is None:
        sys.exit("Load the large demo district first: bench/load.py --size large")
    rng = random.Random(args.seed)
    persons = Person.objects.count()
    issued = issue_passes()
    print(f"{persons:,} persons; passes: {issued}")
    gate, raw_token = gate_and_volunteer()
    community_passes = Pass.objects.filter(community_id=gate.community_id).count()
    headers = {"Authorization": f"Bearer {raw_token}", "Content-Type": "application/json"}

    rates = [float(r) for r in args.rates.split(",")]
    total = int(max(rates) * args.seconds + rates[0] * args.warmup)
    tokens = tokens_for(rng, gate, total - total // 20, total // 20)
    bodies = [json.dumps({"checkpoint": gate.pk, "token": t}).encode() for t in tokens]
    warm = int(rates[0] * args.warmup)

    now = timezone.now()
    queued = tokens_for(rng, gate, args.queued, 0)
    rows = [
        {
            "client_uuid": str(uuid.uuid4()),
            "token": token,
            "direction": "in" if i % 2 else "out",
            "temperature": "36.5",
            "scanned_at": (now - datetime.timedelta(seconds=args.queued - i)).isoformat(),
            "offline": True,
            "verdict": "allow",
        }
        for i, token in enumerate(queued)
    ]
    batches = [
        json.dumps({"checkpoint": gate.pk, "rows": rows[i : i + args.chunk]}).encode()
        for i in range(0, len(rows), args.chunk)
    ]

    connection.close()
    database_url = os.environ["DATABASE_URL"]
    server = start_gunicorn(args.port, args.workers, args.threads)
    verify = {}
    try:
        asyncio.run(open_loop(args.port, headers, bodies[:warm], rates[0], args.connections))
        with CpuMeter(server, database_url) as meter:
            serial = asyncio.run(one_at_a_time(args.port, headers, bodies[:300]))
        serial["cpu"] = meter.per(serial["requests"], "request")
        print(f"one at a time: {serial}")
        for rate in rates:
            n = int(rate * args.seconds)
            with CpuMeter(server, database_url) as meter:
                verify[str(int(rate))] = asyncio.run(
                    open_loop(args.port, headers, bodies[warm : warm + n], rate, args.connections)
                )
            verify[str(int(rate))]["cpu"] = meter.per(n, "request")
            print(f"verify at {rate}/s: {verify[str(int(rate))]}")
        before = Scan.objects.count()
        with CpuMeter(server, database_url) as meter:
            sync_s, sync_totals = asyncio.run(post_batches(args.port, headers, batches))
        sync_cpu = meter.per(len(rows), "row")
        after_sync = Scan.objects.count()
        replay_s, replay_totals = asyncio.run(post_batches(args.port, headers, batches))
        after_replay = Scan.objects.count()
    finally:
        stop_gunicorn(server)
    sync = {
        "rows": len(rows),
        "chunk": args.chunk,
        "seconds": round(sync_s, 2),
        "rows_per_s": round(len(rows) / sync_s),
        "results": sync_totals,
        "cpu": sync_cpu,
        "scan_rows_added": after_sync - before,
        "replay_seconds": round(replay_s, 2),
        "replay_results": replay_totals,
        "replay_rows_added": after_replay - after_sync,
    }
    print(f"sync: {sync}")
    result = {
        "date": timezone.localdate().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "persons": persons,
        "passes": Pass.objects.count(),
        "pass_issue": issued,
        "gate_community_passes": community_passes,
        "gunicorn": {"workers": args.workers, "threads": args.threads, "class": "gthread"},
        "verify_one_at_a_time": serial,
        "verify": verify,
        "sync": sync,
        "targets": {"verify_p99_ms": TARGET_P99_MS, "sync_s": TARGET_SYNC_S, "rate": 500},
    }
    failures = Failures()
    for name, phase in [("one at a time", serial), *((f"at {r}/s", v) for r, v in verify.items())]:
        if phase["errors"]:
            failures.add(
                f"verify {name}: {phase['errors']} requests not answered 200", phase["errors"]
            )
    for name, totals in (("sync", sync_totals), ("replay", replay_totals)):
        if totals["failed_requests"]:
            failures.add(f"{name}: batches not answered 200", totals["failed_requests"])
        if totals["errors"]:
            failures.add(f"{name}: scan rows refused", totals["errors"])
    at_target = verify.get("500")
    met = (
        at_target is not None
        and at_target["p99_ms"] <= TARGET_P99_MS
        and sync["seconds"] <= TARGET_SYNC_S
        and sync["replay_rows_added"] == 0
    )
    return finish(result, RESULTS / "checkpoints-postgresql.json", failures=failures, met=met)


if __name__ == "__main__":
    sys.exit(main())
