"""Health report ingest through the real HTTP API, against raw PostgreSQL on the same table.

    .venv/bin/python bench/health_reports.py [--persons 100000] [--batches 400]
        [--singles 20000] [--workers 3] [--threads 2] [--concurrency 6] [--skip-setup]

Builds (unless --skip-setup) a dedicated database ``shoumen_ingest_bench``: dropped,
created, migrated, one street with one community of 100 grids and ``--persons`` residents
(the demo generator), each under an active observation, and a community staff member with
a personal access token. Then starts gunicorn on 127.0.0.1 and measures, in one run:

- batch: POST /api/v1/health-reports/batch, 500 rows a request, ``--concurrency`` clients;
  against raw ``COPY`` of the same number of rows in 500-row COPYs into the same table
  (another day's partition), with as many parallel connections;
- single: POST /api/v1/health-reports, one report a request; against raw single-row
  ``INSERT ... ON CONFLICT (person_id, date, slot) DO UPDATE`` statements, with as many
  parallel connections.

The load generator (a small asyncio HTTP/1.1 client with keep-alive, requests built before
the clock starts) runs on the same 2 cores as gunicorn and PostgreSQL. Results are written
to bench/results/health-reports-postgresql.json.
"""

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "shoumen_ingest_bench"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")
os.environ.setdefault("SHOUMEN_DEBUG", "0")

import psycopg  # noqa: E402
from cpu import CpuMeter, cpu_of  # noqa: E402
from outcome import Failures, finish  # noqa: E402


def free_port() -> int:
    """A port nobody listens on now (other servers may run on this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
BATCH_ROWS = 500
TARGET_BATCH_PER_S = 20_000
TARGET_SINGLE_PER_S = 800
TARGET_SINGLE_P95_MS = 50
# A single report is created (201) or, sent again, answered as a replay (200).
SINGLE_OK = {"200", "201"}


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_django():
    import django

    django.setup()


def build_world(persons: int) -> None:
    """Migrate, generate the residents, put each under observation, make the caller."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from shoumen.accounts.models import RoleAssignment, User
    from shoumen.accounts.roles import Role
    from shoumen.demo.load import _generate
    from shoumen.demo.plan import DemoSize
    from shoumen.lib.dates import today
    from shoumen.observation.models import Observation
    from shoumen.places.models import Level, OrgUnit

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    size = DemoSize(streets=1, communities_per_street=1, grids_per_community=100, persons=persons)
    with transaction.atomic():
        _generate(size, seed=2020, day=today(), on_progress=None)
    day = today()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Observation._meta.db_table} (person_id, grid_id, kind, reason, "
            "risk_area, reason_note, starts_on, period_days, ends_on, status, "
            "status_changed_at, outcome_note, created_at, updated_at) "
            "SELECT id, grid_id, 'home_monitoring', 'other', '', '', %s, 14, %s, 'active', "
            "%s, '', %s, %s FROM registry_person",
            [day, day + datetime.timedelta(days=13), *[timezone.now()] * 3],
        )
    community = OrgUnit.objects.get(level=Level.COMMUNITY)
    user = User.objects.create(username="bench_staff", display_name="bench")
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, org_unit=community)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"world: {persons} persons under observation in {time.perf_counter() - started:.0f} s")


def token_for_staff() -> str:
    from shoumen.accounts.models import User
    from shoumen.accounts.services import api_token_create

    _token, raw = api_token_create(actor=None, user=User.objects.get(username="bench_staff"))
    return raw


def person_ids() -> list[int]:
    from shoumen.registry.models import Person

    return list(Person.objects.order_by("id").values_list("id", flat=True))


def prepare_days(days) -> None:
    from shoumen.lib.partitions import ensure_day_partitions
    from shoumen.observation.models import HealthReport

    ensure_day_partitions(HealthReport, days)


# ---------------------------------------------------------------- the server


def start_server(workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "SHOUMEN_DEBUG": "0"}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "shoumen.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
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
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


# ---------------------------------------------------------------- the HTTP load generator


def request_bytes(path: str, token: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _client(requests, cursor, latencies, responses):
    reader = writer = None
    while True:
        index = cursor[0]
        if index >= len(requests):
            break
        cursor[0] += 1
        if writer is None:
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        began = time.perf_counter()
        writer.write(requests[index])
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        latencies[index] = time.perf_counter() - began
        responses[index] = (status, body)
        if headers.get("connection") == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_http(requests: list[bytes], concurrency: int) -> tuple[float, list[float], list]:
    latencies: list[float] = [0.0] * len(requests)
    responses: list = [None] * len(requests)

    async def main():
        cursor = [0]
        await asyncio.gather(
            *(_client(requests, cursor, latencies, responses) for _ in range(concurrency))
        )

    began = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - began, latencies, responses


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    cut = statistics.quantiles(ordered, n=100)
    return {
        "p50_ms": round(cut[49] * 1000, 2),
        "p95_ms": round(cut[94] * 1000, 2),
        "p99_ms": round(cut[98] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


# ---------------------------------------------------------------- rows


def report_row(person: int, day: datetime.date, slot: str, n: int) -> dict:
    row = {
        "person": person,
        "date": day.isoformat(),
        "slot": slot,
        "temperature": f"36.{n % 10}",
        "source": "worker_phone",
        "client_uuid": str(uuid.uuid4()),
    }
    if n % 7 == 0:
        row["fatigue"] = True
    return row


def slots_for(persons: list[int], count: int):
    """(person, slot) pairs, each used once: every person's morning, then afternoons."""
    pairs = [(p, "am") for p in persons] + [(p, "pm") for p in persons]
    if count > len(pairs):
        raise SystemExit(f"{count} reports need more than {len(persons)} persons")
    return pairs[:count]


# ---------------------------------------------------------------- raw PostgreSQL


def _copy_text(rows, grid_of, obs_of, user_id, now_text) -> str:
    lines = []
    for person, day, slot, n in rows:
        temperature = f"36.{n % 10}"
        fatigue = "t" if n % 7 == 0 else "f"
        lines.append(
            f"{person}\t{grid_of[person]}\t{obs_of[person]}\t{day}\t{slot}\t{temperature}\t"
            f"f\tf\tf\t{fatigue}\tf\tf\tf\t\tworker_phone\tt\t{uuid.uuid4()}\t{user_id}\t"
            f"{now_text}\n"
        )
    return "".join(lines)


COLUMNS = (
    "person_id, grid_id, observation_id, date, slot, temperature, fever, cough, sore_throat, "
    "fatigue, diarrhoea, loss_of_smell_taste, short_of_breath, other_symptoms, source, "
    "reached, client_uuid, recorded_by_id, recorded_at"
)


def _parallel(work, jobs, concurrency):
    """Run ``work(connection, job)`` over ``jobs`` on ``concurrency`` connections."""
    cursor = [0]
    lock = threading.Lock()
    latencies = [0.0] * len(jobs)
    db_cpu = [0.0] * concurrency

    def loop(slot):
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            pid = conn.info.backend_pid
            start = cpu_of([pid]).get(pid, 0.0)
            while True:
                with lock:
                    index = cursor[0]
                    cursor[0] += 1
                if index >= len(jobs):
                    db_cpu[slot] = cpu_of([pid]).get(pid, 0.0) - start
                    return
                began = time.perf_counter()
                work(conn, jobs[index])
                latencies[index] = time.perf_counter() - began

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
    client0 = time.process_time()
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = {
        "db_cpu_s": round(sum(db_cpu), 2),
        "client_cpu_s": round(time.process_time() - client0, 2),
    }
    return time.perf_counter() - began, latencies, cpu


def raw_copy(buffers: list[str], concurrency: int):
    def work(conn, text):
        sql = f"COPY observation_healthreport ({COLUMNS}) FROM STDIN"
        with conn.transaction(), conn.cursor() as cur, cur.copy(sql) as copy:
            copy.write(text)

    return _parallel(work, buffers, concurrency)


UPSERT = (
    f"INSERT INTO observation_healthreport ({COLUMNS}) VALUES "
    "(%s, %s, %s, %s, %s, %s, false, false, false, %s, false, false, false, '', "
    "'worker_phone', true, %s, %s, %s) "
    "ON CONFLICT (person_id, date, slot) DO UPDATE SET temperature = EXCLUDED.temperature, "
    "fatigue = EXCLUDED.fatigue, recorded_at = EXCLUDED.recorded_at"
)


def raw_upserts(params: list[tuple], concurrency: int):
    def work(conn, values):
        conn.execute(UPSERT, values, prepare=True)

    return _parallel(work, params, concurrency)


def per_unit(cpu: dict, count: int, unit: str) -> dict:
    """CPU per unit of work, and the rate two whole cores would allow at that cost."""
    total = sum(cpu.values())
    server = cpu.get("app_cpu_s", 0) + cpu.get("db_cpu_s", 0)
    return {
        f"cpu_ms_per_{unit}": round(total / count * 1000, 3),
        f"server_cpu_ms_per_{unit}": round(server / count * 1000, 3),
        f"{unit}s_per_s_on_2_free_cores_server_only": round(2 * count / server) if server else None,
    }


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=400, help="500-row batches to send")
    parser.add_argument("--singles", type=int, default=20_000, help="single reports to send")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()

    if not args.skip_setup:
        recreate_database()
    setup_django()
    if not args.skip_setup:
        build_world(args.persons)
    from django.db import connection
    from django.utils import timezone

    from shoumen.lib.dates import today

    persons = person_ids()
    token = token_for_staff()
    day = today()
    # Each measured path writes its own day, so that every row is new: the API batch,
    # raw COPY, the API single report and raw upserts.
    names = ["batch", "copy", "single", "upsert", "warm"]
    days = {name: day - datetime.timedelta(days=i) for i, name in enumerate(names)}
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM observation_healthreport WHERE date = ANY(%s)", [list(days.values())]
        )
    prepare_days(days.values())
    from shoumen.accounts.models import User
    from shoumen.observation.models import Observation
    from shoumen.registry.models import Person

    grid_of = dict(Person.objects.values_list("id", "grid_id"))
    obs_of = dict(Observation.objects.filter(status="active").values_list("person_id", "id"))
    user_id = User.objects.get(username="bench_staff").pk
    connection.close()

    n_batch = args.batches * BATCH_ROWS
    batch_pairs = slots_for(persons, n_batch)
    batch_requests = [
        request_bytes(
            "/api/v1/health-reports/batch",
            token,
            json.dumps(
                {
                    "rows": [
                        report_row(p, days["batch"], s, start + k)
                        for k, (p, s) in enumerate(batch_pairs[start : start + BATCH_ROWS])
                    ]
                }
            ).encode(),
        )
        for start in range(0, n_batch, BATCH_ROWS)
    ]
    single_pairs = slots_for(persons, args.singles)
    single_requests = [
        request_bytes(
            "/api/v1/health-reports",
            token,
            json.dumps(report_row(p, days["single"], s, n)).encode(),
        )
        for n, (p, s) in enumerate(single_pairs)
    ]
    warm_pairs = slots_for(persons, 6000)
    warm_requests = [
        request_bytes(
            "/api/v1/health-reports/batch",
            token,
            json.dumps(
                {
                    "rows": [
                        report_row(p, days["warm"], s, n)
                        for n, (p, s) in enumerate(warm_pairs[i * 100 : i * 100 + 100])
                    ]
                }
            ).encode(),  # fmt: skip
        )
        for i in range(60)
    ]
    now_text = timezone.now().isoformat()
    copy_rows = [(p, days["copy"], s, n) for n, (p, s) in enumerate(batch_pairs)]
    copy_buffers = [
        _copy_text(copy_rows[i : i + BATCH_ROWS], grid_of, obs_of, user_id, now_text)
        for i in range(0, n_batch, BATCH_ROWS)
    ]
    upsert_params = [
        (p, grid_of[p], obs_of[p], days["upsert"], s, f"36.{n % 10}", n % 7 == 0)
        + (uuid.uuid4(), user_id, timezone.now())
        for n, (p, s) in enumerate(single_pairs)
    ]

    server = start_server(args.workers, args.threads)
    try:
        run_http(warm_requests, args.concurrency)  # every worker connects, imports, warms up
        with CpuMeter(server, os.environ["DATABASE_URL"]) as batch_cpu:
            batch_s, batch_lat, batch_resp = run_http(batch_requests, args.concurrency)
        with CpuMeter(server, os.environ["DATABASE_URL"]) as single_cpu:
            single_s, single_lat, single_resp = run_http(single_requests, args.concurrency)
    finally:
        stop_server(server)
    copy_s, copy_lat, copy_cpu = raw_copy(copy_buffers, args.concurrency)
    upsert_s, upsert_lat, upsert_cpu = raw_upserts(upsert_params, args.concurrency)
    load = os.getloadavg()

    batch_counts: dict[str, int] = {}
    for status, body in batch_resp:
        if status != 200:
            batch_counts[f"http_{status}"] = batch_counts.get(f"http_{status}", 0) + 1
            continue
        for key, value in json.loads(body)["counts"].items():
            batch_counts[key] = batch_counts.get(key, 0) + value
    single_statuses: dict[str, int] = {}
    for status, _body in single_resp:
        single_statuses[str(status)] = single_statuses.get(str(status), 0) + 1

    batch_rate = n_batch / batch_s
    copy_rate = n_batch / copy_s
    single_rate = args.singles / single_s
    upsert_rate = args.singles / upsert_s
    single_pct = percentiles(single_lat)
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql",
        "persons": len(persons),
        "server": {
            "gunicorn_workers": args.workers,
            "worker_class": "gthread",
            "threads": args.threads,
            "client_concurrency": args.concurrency,
        },
        "batch": {
            "reports": n_batch,
            "rows_per_request": BATCH_ROWS,
            "seconds": round(batch_s, 2),
            "reports_per_s": round(batch_rate),
            "request_latency": percentiles(batch_lat),
            "results": batch_counts,
            "cpu": {**batch_cpu.result, **per_unit(batch_cpu.result, n_batch, "report")},
            "raw_copy": {
                "seconds": round(copy_s, 2),
                "reports_per_s": round(copy_rate),
                "copy_latency": percentiles(copy_lat),
                "cpu": {**copy_cpu, **per_unit(copy_cpu, n_batch, "report")},
            },
            "ratio_to_raw": round(batch_rate / copy_rate, 3),
            "target_reports_per_s": TARGET_BATCH_PER_S,
            "target_met": batch_rate >= TARGET_BATCH_PER_S,
        },
        "single": {
            "requests": args.singles,
            "seconds": round(single_s, 2),
            "requests_per_s": round(single_rate),
            "latency": single_pct,
            "statuses": single_statuses,
            "cpu": {**single_cpu.result, **per_unit(single_cpu.result, args.singles, "request")},
            "raw_upsert": {
                "seconds": round(upsert_s, 2),
                "statements_per_s": round(upsert_rate),
                "latency": percentiles(upsert_lat),
                "cpu": {**upsert_cpu, **per_unit(upsert_cpu, args.singles, "statement")},
            },
            "ratio_to_raw": round(single_rate / upsert_rate, 3),
            "target_requests_per_s": TARGET_SINGLE_PER_S,
            "target_p95_ms": TARGET_SINGLE_P95_MS,
            "target_met": single_rate >= TARGET_SINGLE_PER_S
            and single_pct["p95_ms"] <= TARGET_SINGLE_P95_MS,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "note": "gunicorn, PostgreSQL and the load generator share these cores",
            "load_average_after": [round(x, 1) for x in load],
        },
    }
    failures = Failures()
    for key, n in batch_counts.items():
        if key.startswith("http_"):
            failures.add(f"batch requests answered {key[5:]}", n)
    if batch_counts.get("error"):
        failures.add("batch rows refused", batch_counts["error"])
    for status, n in single_statuses.items():
        if status not in SINGLE_OK:
            failures.add(f"single reports answered {status}", n)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return finish(
        report,
        Path(args.out) / "health-reports-postgresql.json",
        failures=failures,
        met=report["batch"]["target_met"] and report["single"]["target_met"],
    )


if __name__ == "__main__":
    sys.exit(main())
