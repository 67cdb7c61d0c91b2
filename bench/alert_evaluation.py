"""Time the scheduled non-reporting and lost-contact rules over 1,000,000 persons under
observation on PostgreSQL.

    .venv/bin/python bench/alert_evaluation.py [--persons 1000000] [--runs 3]

Drops and recreates the database ``shoumen_alert_bench`` (127.0.0.1:5432, user postgres),
migrates it, and loads with ``COPY``: a district of 10 streets, 100 communities and 1,000
grids with one grid worker each; the persons (four to a household); one active
observation per person, started yesterday; today's reports from all but
``--missing-share`` of them (5%, a realistic share) in each slot, morning and afternoon;
for 1% of them, a worker's "not reached" contact
yesterday and this morning (the lost-contact candidates). Then, at 16:30 today (both slot
deadlines passed), each rule runs ``--runs`` times inside a transaction that is rolled
back (so every run opens the same alerts), and once more committed followed by a repeat
run (the steady state of the schedule: nothing new, nothing updated). Writes
results/alert-evaluation-postgresql.json. Target: ≤ 10 s per rule on 1,000,000 persons.
"""

import argparse
import datetime
import os
import platform
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "shoumen_alert_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ["SHOUMEN_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import psycopg  # noqa: E402


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


recreate_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from outcome import Failures, finish  # noqa: E402

from shoumen.accounts.models import RoleAssignment, User  # noqa: E402
from shoumen.accounts.roles import Role  # noqa: E402
from shoumen.alerts.evaluation import evaluate_lost_contact, evaluate_non_reporting  # noqa: E402
from shoumen.alerts.rules import current_rules  # noqa: E402
from shoumen.lib.partitions import ensure_day_partitions  # noqa: E402
from shoumen.observation.models import HealthReport, Observation  # noqa: E402
from shoumen.places.models import Level, OrgUnit  # noqa: E402
from shoumen.registry.models import Household, Person  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def copy_rows(model, columns: list[str], rows) -> int:
    """Stream rows into ``model``'s table with COPY; returns the count."""
    table = model._meta.db_table
    n = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def build_tree(grids_per_community: int = 10) -> list[tuple[int, int]]:
    """1,000 grids, each with its worker: returns [(grid id, worker id)]."""
    district = OrgUnit.objects.add_root(
        create_kwargs={"code": "BD", "name": "基准区", "level": Level.DISTRICT}
    )
    pairs, users, assignments = [], [], []
    for s in range(10):
        street = OrgUnit.objects.add_child(
            district, create_kwargs={"code": f"BS{s}", "name": f"第{s}街道", "level": Level.STREET}
        )
        for c in range(10):
            community = OrgUnit.objects.add_child(
                street,
                create_kwargs={"code": f"BC{s}{c}", "name": f"第{s}-{c}社区", "level": "community"},
            )
            for g in range(grids_per_community):
                grid = OrgUnit.objects.add_child(
                    community,
                    create_kwargs={
                        "code": f"BG{s}{c}{g}",
                        "name": f"第{s}-{c}-{g}网格",
                        "level": Level.GRID,
                    },
                )
                users.append(User(username=f"worker{s}{c}{g}", email=f"w{s}{c}{g}@example.cn"))
                pairs.append(grid)
    User.objects.bulk_create(users)
    for grid, user in zip(pairs, users, strict=True):
        assignments.append(RoleAssignment(user=user, role=Role.GRID_WORKER, org_unit=grid))
    RoleAssignment.objects.bulk_create(assignments)
    return [(grid.pk, user.pk) for grid, user in zip(pairs, users, strict=True)]


def load(
    persons: int, day: datetime.date, rng: random.Random, missing_share: float
) -> dict[str, int]:
    grids = build_tree()
    now = timezone.now()
    yesterday = day - datetime.timedelta(days=1)
    per_household = 4
    households = (persons + per_household - 1) // per_household
    # Each grid gets a contiguous block of households; ids follow the COPY order.
    first_household = 1
    copy_rows(
        Household,
        ["grid_id", "address", "unit", "door_number", "created_at", "updated_at"],
        (
            (grids[h * len(grids) // households][0], f"基准路{h}号", "", "", now, now)
            for h in range(households)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id) FROM {Household._meta.db_table}")
        first_household = cursor.fetchone()[0]

    def person_rows():
        for i in range(persons):
            h = i // per_household
            grid = grids[h * len(grids) // households][0]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            yield (
                name,
                rng.choice("MF"),
                "none",
                "",
                "",
                first_household + h,
                grid,
                "head" if i % per_household == 0 else "other",
                "resident",
                False,
                False,
                False,
                False,
                "",
                name,
                now,
                now,
            )

    copy_rows(
        Person,
        [
            "name",
            "sex",
            "document_type",
            "id_number_last4_index",
            "phone_last4",
            "household_id",
            "grid_id",
            "relation_to_head",
            "status",
            "has_chronic_disease",
            "is_pregnant",
            "is_disabled",
            "lives_alone",
            "notes",
            "search_text",
            "created_at",
            "updated_at",
        ],
        person_rows(),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, grid_id FROM {Person._meta.db_table} ORDER BY id")
        people = cursor.fetchall()
    worker_of = dict(grids)
    started = now - datetime.timedelta(days=1)
    copy_rows(
        Observation,
        [
            "person_id",
            "grid_id",
            "kind",
            "reason",
            "risk_area",
            "reason_note",
            "starts_on",
            "period_days",
            "ends_on",
            "responsible_id",
            "status",
            "status_changed_at",
            "outcome_note",
            "created_at",
            "updated_at",
        ],
        (
            (
                pid,
                grid,
                "home_monitoring",
                "other",
                "",
                "",
                yesterday,
                14,
                yesterday + datetime.timedelta(days=13),
                worker_of[grid],
                "active",
                started,
                "",
                started,
                started,
            )
            for pid, grid in people
        ),
    )
    ensure_day_partitions(HealthReport, [yesterday, day])
    counts = {"am": 0, "pm": 0, "not_reached": 0}
    report_columns = [
        "person_id",
        "grid_id",
        "date",
        "slot",
        "temperature",
        "fever",
        "cough",
        "sore_throat",
        "fatigue",
        "diarrhoea",
        "loss_of_smell_taste",
        "short_of_breath",
        "other_symptoms",
        "source",
        "reached",
        "client_uuid",
        "recorded_at",
    ]
    flags = (False,) * 7

    def report_rows():
        for pid, grid in people:
            draw = rng.random()
            if draw < 0.01:
                counts["not_reached"] += 1
                for d in (yesterday, day):
                    yield (
                        pid,
                        grid,
                        d,
                        "am",
                        None,
                        *flags,
                        "",
                        "worker_phone",
                        False,
                        uuid.uuid4(),
                        now,
                    )
                continue
            if draw >= 0.01 + missing_share:
                counts["am"] += 1
                yield (pid, grid, day, "am", "36.5", *flags, "", "self", None, uuid.uuid4(), now)
            if rng.random() >= missing_share:
                counts["pm"] += 1
                yield (pid, grid, day, "pm", "36.6", *flags, "", "self", None, uuid.uuid4(), now)

    rows = copy_rows(HealthReport, report_columns, report_rows())
    with connection.cursor() as cursor:
        for model in (Household, Person, Observation, HealthReport):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"grids": len(grids), "persons": len(people), "reports": rows, **counts}


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--missing-share",
        type=float,
        default=0.05,
        help="share of persons with no report in each slot (a realistic 5%%)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rules = current_rules()
    day = timezone.localdate()
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
    print(f"Loading {args.persons:,} persons under observation ...")
    load_seconds, loaded = timed(
        lambda: transaction.atomic()(load)(
            args.persons, day, random.Random(args.seed), args.missing_share
        )
    )
    print(f"  loaded in {load_seconds:.1f} s: {loaded}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    cases = {
        "non_reporting (both slots)": lambda: evaluate_non_reporting(rules, at),
        "lost_contact": lambda: [evaluate_lost_contact(rules, at)],
    }
    figures = {}
    failures = Failures()
    for name, run in cases.items():
        seconds = []
        opened = updated = 0
        try:
            for _ in range(args.runs):
                with transaction.atomic():
                    # Foreign keys are checked at commit; checking them as rows go in keeps
                    # their cost inside the timed, rolled-back run.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    took, results = timed(run)
                    opened = sum(r.opened for r in results)
                    updated = sum(r.updated for r in results)
                    transaction.set_rollback(True)
                seconds.append(round(took, 2))
                print(f"  {name}: {took:.2f} s, {opened:,} opened")
            first, _ = timed(lambda run=run: transaction.atomic()(run)())
            again, repeat = timed(lambda run=run: transaction.atomic()(run)())
        except Exception as exc:
            failures.add(f"{name}: {exc!r}")
            figures[name] = {"seconds_rolled_back_runs": seconds, "failed": repr(exc)[:300]}
            continue
        if sum(r.opened for r in repeat):
            # A repeat run must open nothing: each hit counts once.
            failures.add(f"{name}: the repeat run opened alerts again")
        figures[name] = {
            "seconds_rolled_back_runs": seconds,
            "opened": opened,
            "updated": updated,
            "seconds_committed": round(first, 2),
            "seconds_repeat_run": round(again, 2),
            "repeat_opened": sum(r.opened for r in repeat),
            "repeat_updated": sum(r.updated for r in repeat),
        }
        print(f"  {name}: committed {first:.2f} s, repeat {again:.2f} s")
    worst = max(
        max(f["seconds_rolled_back_runs"] + [f.get("seconds_committed", 0)], default=0)
        for f in figures.values()
    )
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "evaluated_at": at.isoformat(),
        "loaded": loaded,
        "missing_share": args.missing_share,
        "load_seconds": round(load_seconds, 1),
        "rules": figures,
        "target_seconds": 10,
        "met": worst <= 10,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    path = Path(args.out) / f"alert-evaluation-{connection.vendor}.json"
    return finish(report, path, failures=failures, met=report["met"])


if __name__ == "__main__":
    sys.exit(main())
