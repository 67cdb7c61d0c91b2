"""Board latency with key persons and 30 days of health reports on the large demo district.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_bench \\
        .venv/bin/python bench/observation_pages.py [--observed 50000] [--days 30] [--runs 200]

First (once; later runs reuse it) it puts ``--observed`` residents under observation, spread
evenly over the district, with ``--days`` days of morning and afternoon reports each (about
95% reported, 0.5% feverish), plus finished observations and open alerts of every age,
all streamed with ``COPY`` into the daily partitions. Then, with the clock at 16:30 (both
slots due: the heaviest board), it measures p50/p95/max of:

- the community board ``/boards/<DEMO-S1-C1>/`` as community1 and the street board
  ``/boards/<DEMO-S1>/`` as street1, through Django's whole stack (test client), and
  ``board_for`` alone with the first page of the non-reporting list;
- a grid worker's day (grid1): the non-reporting list of the grid and the worker's open
  alerts, the reads a "Today" page makes.

See bench/README.md.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from outcome import Failures, finish  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from shoumen.accounts.models import User  # noqa: E402
from shoumen.accounts.scoping import forget_assignments  # noqa: E402
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause  # noqa: E402
from shoumen.alerts.rules import current_rules, due_slots  # noqa: E402
from shoumen.demo.load import demo_district  # noqa: E402
from shoumen.demo.plan import community_code, grid_code, street_code  # noqa: E402
from shoumen.lib.partitions import ensure_day_partitions  # noqa: E402
from shoumen.observation.boards import board_for, non_reporting, non_reporting_page  # noqa: E402
from shoumen.observation.models import (  # noqa: E402
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    Slot,
    Source,
)
from shoumen.places.models import Level, OrgUnit  # noqa: E402
from shoumen.registry.models import Person, Status  # noqa: E402

BENCH_NOTE = "bench"
PAGE = 50
KINDS = [Kind.HOME_ISOLATION, Kind.CENTRAL_ISOLATION, Kind.HOME_MONITORING, Kind.ROUTINE_MONITORING]
KIND_WEIGHTS = [30, 5, 40, 25]
REASONS = [Reason.RISK_AREA, Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT, Reason.FEVER_CLINIC]
REASON_WEIGHTS = [50, 25, 15, 10]
FINISHED = [ObservationStatus.COMPLETED, ObservationStatus.CANCELLED, ObservationStatus.LOST]


def _copy(table: str, columns: list[str], rows) -> int:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _grid_workers() -> dict[int, int]:
    found: dict[int, int] = {}
    for user_id, grid_id in User.objects.filter(assignments__role="grid_worker").values_list(
        "pk", "assignments__org_unit_id"
    ):
        found.setdefault(grid_id, user_id)
    return found


def prepare(*, observed: int, days: int, seed: int, day: datetime.date, console) -> dict:
    """Observations, reports and alerts for the benchmark, unless already there."""
    existing = Observation.objects.filter(reason_note=BENCH_NOTE).count()
    if existing:
        console.print(f"Reusing {existing:,} benchmark observations.")
        return {"reused": True, "observations": existing}
    district = demo_district()
    if district is None:
        raise SystemExit("No demo district: load it first (bench/README.md).")
    rng = random.Random(seed)  # noqa: S311 (benchmark data)
    started = time.perf_counter()
    persons = list(
        Person.objects.filter(grid__path__startswith=district.path, status=Status.RESIDENT)
        # Not the demo's own key persons and check-ins: their reports would collide.
        .exclude(observations__isnull=False)
        .exclude(Exists(HealthReport.objects.filter(person_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "grid_id")
    )
    step = max(1, len(persons) // observed)
    chosen = persons[::step][:observed]
    finished_share = 0.1
    extra = persons[step // 2 :: step][: int(observed * finished_share)]
    workers = _grid_workers()
    now = timezone.now()
    periods = settings.OBSERVATION_PERIOD_DAYS
    obs_columns = [
        "person_id", "grid_id", "kind", "reason", "risk_area", "arrival_date",
        "last_exposure_date", "reason_note", "starts_on", "period_days", "ends_on",
        "responsible_id", "status", "status_changed_at", "outcome_note", "created_at",
        "updated_at",
    ]  # fmt: skip

    def observation_rows():
        for index, (person_id, grid_id) in enumerate([*chosen, *extra]):
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
            period = int(periods[kind])
            active = index < len(chosen)
            if active:
                starts = day - datetime.timedelta(days=rng.randrange(period))
                status, changed = ObservationStatus.ACTIVE, now
            else:
                starts = day - datetime.timedelta(days=period + rng.randrange(days - period))
                status = rng.choice(FINISHED)
                changed = now - datetime.timedelta(days=(day - starts).days - period + 1)
            anchor = starts if reason in (Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT) else None
            arrival = starts if reason == Reason.RISK_AREA else None
            yield [
                person_id, grid_id, kind, reason, "某市" if arrival else "", arrival, anchor,
                BENCH_NOTE, starts, period, starts + datetime.timedelta(days=period - 1),
                workers.get(grid_id), status, changed, "", now, now,
            ]  # fmt: skip

    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["observations"] = _copy(Observation._meta.db_table, obs_columns, observation_rows())
        obs_ids = dict(
            Observation.objects.filter(
                reason_note=BENCH_NOTE, status=ObservationStatus.ACTIVE
            ).values_list("person_id", "pk")
        )
        report_days = [day - datetime.timedelta(days=d) for d in range(days)]
        ensure_day_partitions(HealthReport, report_days)
        rep_columns = [
            "person_id", "grid_id", "observation_id", "date", "slot", "temperature", "fever",
            "cough", "sore_throat", "fatigue", "diarrhoea", "loss_of_smell_taste",
            "short_of_breath", "other_symptoms", "source", "reached", "client_uuid",
            "recorded_by_id", "recorded_at",
        ]  # fmt: skip
        feverish: list[tuple[int, int, datetime.datetime]] = []

        def report_rows():
            for d in report_days:
                for slot, hour in ((Slot.MORNING, 8), (Slot.AFTERNOON, 14)):
                    share = 0.95 if d < day else (0.9 if slot == Slot.MORNING else 0.85)
                    at = timezone.make_aware(datetime.datetime.combine(d, datetime.time(hour)))
                    for person_id, grid_id in chosen:
                        if rng.random() >= share:
                            continue
                        fever = rng.random() < 0.005
                        temperature = Decimal(
                            f"{rng.uniform(37.3, 39.2) if fever else rng.uniform(36.0, 37.1):.1f}"
                        )
                        worker = rng.random() < 0.3
                        if fever and d >= day - datetime.timedelta(days=1):
                            feverish.append((person_id, grid_id, at))
                        yield [
                            person_id, grid_id, obs_ids.get(person_id), d, slot, temperature,
                            False, fever and rng.random() < 0.5, False, False, False, False,
                            False, "", Source.WORKER_PHONE if worker else Source.SELF,
                            True if worker else None, uuid.UUID(int=rng.getrandbits(128)),
                            workers.get(grid_id) if worker else None,
                            at + datetime.timedelta(minutes=rng.randrange(120)),
                        ]  # fmt: skip

        counts["health_reports"] = _copy(HealthReport._meta.db_table, rep_columns, report_rows())
        # Open alerts of every age: the recent fevers, plus non-reporting and lost contact
        # over the last days, a third of them acknowledged.
        alert_columns = [
            "person_id", "grid_id", "observation_id", "cause", "status", "level", "owner_id",
            "opened_at", "due_at", "last_seen_at", "hits", "details", "outcome",
            "outcome_note",
        ]  # fmt: skip
        seen: set[tuple[int, str]] = set()

        def alert_rows():
            candidates = [(p, g, at, Cause.FEVER) for p, g, at in feverish]
            for person_id, grid_id in rng.sample(chosen, k=min(len(chosen), observed // 25)):
                opened = now - datetime.timedelta(minutes=rng.randrange(60 * 72))
                cause = rng.choice([Cause.NON_REPORTING, Cause.LOST_CONTACT])
                candidates.append((person_id, grid_id, opened, cause))
            for person_id, grid_id, opened, cause in candidates:
                if (person_id, cause) in seen:
                    continue
                seen.add((person_id, cause))
                status = "acknowledged" if rng.random() < 0.33 else "open"
                yield [
                    person_id, grid_id, obs_ids.get(person_id), cause, status, 0,
                    workers.get(grid_id), opened, opened + datetime.timedelta(hours=2), opened,
                    1, "{}", "", "",
                ]  # fmt: skip

        counts["alerts"] = _copy(Alert._meta.db_table, alert_columns, alert_rows())
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) observation_observation, observation_healthreport, alerts_alert"
        )
    counts["seconds"] = round(time.perf_counter() - started, 1)
    console.print(f"Prepared: {counts}")
    return counts


FAILURES = Failures()


def measure(fn, *, runs: int, warmup: int) -> dict:
    """Timings of the runs that succeeded; a run that raised is counted as an error."""
    errors = 0
    timings = []
    for i in range(warmup + runs):
        started = time.perf_counter()
        try:
            fn()
        except Exception as exc:
            errors += 1
            FAILURES.add(repr(exc))
            continue
        if i >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    if not timings:
        return {"runs": runs, "errors": errors, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "runs": runs,
        "errors": errors,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observed", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-ms", type=float, default=150.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    console = Console()
    settings.DEBUG = False
    day = timezone.localdate()
    prepared = prepare(
        observed=args.observed, days=args.days, seed=args.seed, day=day, console=console
    )
    clock = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
    results: dict[str, dict] = {}
    figures: dict[str, dict] = {}
    with time_machine.travel(clock, tick=True):
        rules = current_rules()
        due = due_slots(rules, timezone.now())
        for username, code in (("community1", community_code(1, 1)), ("street1", street_code(1))):
            user = User.objects.get(username=username)
            unit = OrgUnit.objects.get(code=code)
            client = Client()
            client.force_login(user)
            url = reverse("boards:board", args=[unit.pk])

            def page(client=client, url=url):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")

            def selector(user=user, unit=unit):
                forget_assignments(user)
                board = board_for(user, pk=unit.pk)
                non_reporting_page(board, 1, PAGE)
                return board

            board = selector()
            figures[code] = {
                "observed_today": board.total_rate.persons,
                "expected": board.total_rate.expected,
                "received": board.total_rate.received,
                "non_reporting": non_reporting_page(board, 1, PAGE).paginator.count,
                "open_alerts": sum(board.age_totals),
            }
            level = unit.level
            results[f"page: {level} board as {username}"] = measure(
                page, runs=args.runs, warmup=args.warmup
            )
            results[f"selector: {level} board as {username}"] = measure(
                selector, runs=args.runs, warmup=args.warmup
            )

        grid1 = User.objects.get(username="grid1")
        grid = OrgUnit.objects.get(code=grid_code(1, 1, 1), level=Level.GRID)

        def worker_day():
            forget_assignments(grid1)
            now = timezone.now()
            missing = non_reporting([grid.pk], timezone.localdate(now), due)
            list(missing[:PAGE])
            list(
                Alert.objects.filter(owner=grid1, status__in=OPEN_STATUSES)
                .select_related("person")
                .order_by("due_at")[:PAGE]
            )

        results["selector: grid worker's due list and open alerts as grid1"] = measure(
            worker_day, runs=args.runs, warmup=args.warmup
        )
        today_client = Client()
        today_client.force_login(grid1)
        today_url = reverse("observation:today")

        def today_page():
            response = today_client.get(today_url)
            if response.status_code != 200:
                raise RuntimeError(f"{today_url} answered {response.status_code}")

        results["page: Today as grid1"] = measure(today_page, runs=args.runs, warmup=args.warmup)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        server = cursor.fetchone()[0]
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "server": str(server),
        "persons": Person.objects.count(),
        "observations_active": Observation.objects.filter(status="active").count(),
        "health_reports": HealthReport.objects.count(),
        "prepared": prepared,
        "clock": clock.isoformat(),
        "boards": figures,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "target_p95_ms": args.target_ms,
        "cases": results,
    }
    table = Table(title=f"{report['persons']:,} persons, {report['health_reports']:,} reports")
    for column in ("case", "p50 ms", "p95 ms", "max ms", "errors", "p95 ≤ target"):
        table.add_column(column, justify="left" if column == "case" else "right")
    ok = True
    for case, r in results.items():
        hit = r["errors"] == 0 and r["p95_ms"] is not None and r["p95_ms"] <= args.target_ms
        ok = ok and hit
        table.add_row(
            case,
            f"{r['p50_ms']:.1f}" if r["p50_ms"] is not None else "",
            f"{r['p95_ms']:.1f}" if r["p95_ms"] is not None else "",
            f"{r['max_ms']:.1f}" if r["max_ms"] is not None else "",
            str(r["errors"]),
            "yes" if hit else "NO",
        )
    console.print(table)
    console.print(figures)
    path = Path(args.out) / f"observation-pages-{connection.vendor}.json"
    return finish(report, path, failures=FAILURES, met=ok)


if __name__ == "__main__":
    sys.exit(main())
