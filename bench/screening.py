"""A screening round over a street of 100,000 households: time its creation, then the
street's coverage figures while visits are being recorded.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_screening_bench
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS shoumen_screening_bench' \\
        -c 'CREATE DATABASE shoumen_screening_bench'
    .venv/bin/shoumen migrate
    .venv/bin/python bench/screening.py [--households 100000] [--rounds 3] [--requests 300]

Targets: creating the round ≤ 10 s; the street's coverage page p95 ≤ 150 ms while a second
process records visits. See bench/README.md.
"""

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from outcome import Failures, finish  # noqa: E402

from shoumen.accounts.models import RoleAssignment, User  # noqa: E402
from shoumen.accounts.roles import Role  # noqa: E402
from shoumen.places.models import Level, OrgUnit  # noqa: E402
from shoumen.registry.models import Household  # noqa: E402
from shoumen.screening.models import Outcome, VisitTask  # noqa: E402
from shoumen.screening.selectors import coverage_by_grid, coverage_total  # noqa: E402
from shoumen.screening.services import round_create, visit_record  # noqa: E402

STREET = "SCREEN-BENCH"
COMMUNITIES, GRIDS = 10, 10
RESULTS = ROOT / "bench" / "results"
TARGET_CREATE_S, TARGET_P95_MS = 10.0, 150.0


def _unit(parent, code, name, level):
    fields = {"code": code, "name": name, "level": level}
    if parent is None:
        return OrgUnit.objects.add_root(create_kwargs=fields)
    return OrgUnit.objects.add_child(parent, create_kwargs=fields)


def build(households: int) -> OrgUnit:
    street = OrgUnit.objects.filter(code=STREET).first()
    if street is not None:
        return street
    district = _unit(None, "SCREEN-D", "走访测试区", Level.DISTRICT)
    street = _unit(district, STREET, "走访测试街道", Level.STREET)
    officer = User.objects.create(username="bench-street", display_name="街道干部")
    RoleAssignment.objects.create(user=officer, role=Role.STREET_OFFICER, org_unit=street)
    grids = []
    for c in range(COMMUNITIES):
        community = _unit(street, f"SB-C{c}", f"测试社区{c + 1}", Level.COMMUNITY)
        for g in range(GRIDS):
            grid = _unit(community, f"SB-C{c}-G{g}", f"测试社区{c + 1}第{g + 1}网格", Level.GRID)
            worker = User.objects.create(username=f"bench-grid-{c}-{g}")
            RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, org_unit=grid)
            grids.append(grid)
    now = timezone.now()
    columns = "grid_id, address, unit, door_number, created_at, updated_at"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY registry_household ({columns}) FROM STDIN") as copy,
    ):
        for i in range(households):
            grid = grids[i % len(grids)]
            copy.write_row([grid.pk, f"测试路{i // 100 + 1}号", "", str(i % 100 + 1), now, now])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_household")
    return street


def forget_rounds(street: OrgUnit) -> None:
    """Earlier runs' rounds over the street: gone, so that each run starts alike."""
    with connection.cursor() as cursor:
        for sql in (
            "DELETE FROM screening_visit WHERE round_id IN ({})",
            "DELETE FROM screening_visittask WHERE round_id IN ({})",
            "DELETE FROM screening_questionnaireversion WHERE round_id IN ({})",
            "DELETE FROM screening_screeninground WHERE id IN ({})",
        ):
            cursor.execute(
                sql.format("SELECT id FROM screening_screeninground WHERE scope_id = %s"),
                [street.pk],
            )
    with connection.cursor() as cursor:
        for table in ("screening_visit", "screening_visittask"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def time_round_creation(street: OrgUnit, officer: User, rounds: int) -> tuple[list[float], int]:
    seconds = []
    today = timezone.localdate()
    round_ = None
    for n in range(rounds):
        started = time.perf_counter()
        round_ = round_create(
            actor=officer, scope=street, name=f"测试轮次{n + 1}", starts_on=today, ends_on=today
        )
        seconds.append(time.perf_counter() - started)
    # What autovacuum does after 100,000 inserts: statistics, and the visibility map that
    # lets the coverage count read the (round, grid, status) index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE screening_visittask")
    assert round_ is not None
    return seconds, round_.pk


def record_visits(round_id: int, stop_at: float, counter, failed) -> None:
    django.db.connections.close_all()
    tasks = list(
        VisitTask.objects.filter(round_id=round_id, status="due")
        .select_related("grid", "assignee")
        .order_by("?")[:20000]
    )
    for done, task in enumerate(tasks):
        if time.time() >= stop_at:
            break
        try:
            visit_record(
                actor=task.assignee,
                task=task,
                client_uuid=uuid.uuid4(),
                outcome=Outcome.VISITED if done % 5 else Outcome.NOBODY_HOME,
                method="in_person",
                answers={"risk_travel": done % 50 == 0, "members_present": 2},
            )
        except Exception:
            failed.value += 1
        counter.value = done + 1


def measure_coverage(officer: User, round_id: int, requests: int, failures: Failures) -> dict:
    from shoumen.screening.models import ScreeningRound

    round_ = ScreeningRound.objects.get(pk=round_id)
    client = Client()
    client.force_login(officer)
    try:
        url = reverse("screening:coverage", args=[round_id])
    except NoReverseMatch:
        url = None
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        if url is not None:
            response = client.get(url)
            if not failures.check_status(response.status_code, "coverage page"):
                continue
        else:
            coverage_total(coverage_by_grid(officer, round_))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    if not timings:
        return {"what": "page", "requests": requests, "errors": requests, "p95_ms": None}
    return {
        "what": "page" if url else "selector",
        "requests": requests,
        "errors": requests - len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    with transaction.atomic():
        street = build(args.households)
    forget_rounds(street)
    households = Household.objects.filter(grid__path__startswith=street.path).count()
    officer = User.objects.get(username="bench-street")
    seconds, round_id = time_round_creation(street, officer, args.rounds)
    print(
        f"round creation over {households:,} households: "
        + ", ".join(f"{s:.2f} s" for s in seconds)
    )

    # A spawned writer opens its own connection pool: a forked one would share the
    # parent's pooled sockets, and both processes would talk over the same connection.
    spawn = multiprocessing.get_context("spawn")
    counter = spawn.Value("i", 0)
    failed = spawn.Value("i", 0)
    failures = Failures()
    stop_at = time.time() + 600
    django.db.connections.close_all()
    writer = spawn.Process(target=record_visits, args=(round_id, stop_at, counter, failed))
    writer.start()
    time.sleep(2)
    started = time.time()
    coverage = measure_coverage(officer, round_id, args.requests, failures)
    elapsed = time.time() - started
    writer.terminate()
    writer.join()
    visited = VisitTask.objects.filter(round_id=round_id).exclude(status="due").count()
    coverage["visits_recorded_meanwhile"] = visited
    coverage["visits_failed_meanwhile"] = failed.value
    if failed.value:
        failures.add("visit_record raised", failed.value)
    coverage["seconds"] = round(elapsed, 1)
    print(f"coverage ({coverage['what']}) while recording visits: {coverage}")

    result = {
        "date": timezone.localdate().isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "households": households,
        "round_create_seconds": [round(s, 2) for s in seconds],
        "coverage": coverage,
        "targets": {"round_create_s": TARGET_CREATE_S, "coverage_p95_ms": TARGET_P95_MS},
    }
    met = (
        max(seconds) <= TARGET_CREATE_S
        and coverage["p95_ms"] is not None
        and coverage["p95_ms"] <= TARGET_P95_MS
    )
    return finish(result, RESULTS / "screening-postgresql.json", failures=failures, met=met)


if __name__ == "__main__":
    sys.exit(main())
