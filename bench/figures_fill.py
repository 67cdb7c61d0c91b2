"""Time the daily figures' fill (issue 17) on the large demo district on PostgreSQL.

    .venv/bin/python bench/figures_fill.py [--skip-setup] [--days 30]

Unless ``--skip-setup``, drops and recreates the database ``shoumen_figures_bench``
(127.0.0.1:5432, user postgres), migrates it and loads ``shoumen demo --size large`` (a
district of 1,000,000 residents, with observations, health reports, alerts, checkpoints
and schools over the last weeks; the load itself fills the 30 days before today). Then:

- one day's fill (yesterday), every registered metric, three times: wall time, and the
  database's and this process's CPU;
- ``--days`` days back, refilled one after another;
- reading the district's 30 days of every metric from the stored figures (``figures_of``
  with today live, then cached), against computing the same 30 days from the raw tables.

Writes results/figures-fill.json. Target: one day's fill ≤ 60 s.
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = "shoumen_figures_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE_URL = f"{SERVER}/{DB_NAME}"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["SHOUMEN_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ.setdefault("SHOUMEN_DEMO_PASSWORD", "bench-demo-pass-2026")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import psycopg  # noqa: E402
from cpu import backend_pids, cpu_of  # noqa: E402
from outcome import Failures, finish  # noqa: E402

TARGET_FILL_S = 60
RESULT = ROOT / "bench" / "results" / "figures-fill.json"


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    if not args.skip_setup:
        recreate_database()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from shoumen.accounts.models import User
    from shoumen.demo.plan import DEMO_DISTRICT_CODE
    from shoumen.lib.dates import today
    from shoumen.lib.metrics import registered_metrics
    from shoumen.places.models import OrgUnit
    from shoumen.reports.selectors import figures_of
    from shoumen.reports.services import compute_leaves, figures_fill

    report: dict = {"database": DB_NAME}
    if not args.skip_setup:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("demo", size="large", verbosity=0)
        report["setup_seconds"] = round(time.perf_counter() - started, 1)
    district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
    connection.ensure_connection()
    pids = backend_pids(DATABASE_URL)
    yesterday = today() - datetime.timedelta(days=1)

    def timed(fn):
        db_before, me_before = cpu_of(pids), resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
        db_after, me_after = cpu_of(pids), resource.getrusage(resource.RUSAGE_SELF)
        return {
            "seconds": round(seconds, 3),
            "db_cpu_s": round(sum(db_after.values()) - sum(db_before.values()), 3),
            "app_cpu_s": round(
                me_after.ru_utime + me_after.ru_stime - me_before.ru_utime - me_before.ru_stime,
                3,
            ),
        }

    runs = [timed(lambda: figures_fill(day=yesterday)) for _ in range(3)]
    report["one_day"] = {
        "metrics": len(registered_metrics()),
        "runs": runs,
        "median_s": statistics.median(r["seconds"] for r in runs),
    }
    days = [yesterday - datetime.timedelta(days=i) for i in range(args.days)]
    report["days_back"] = {
        "days": args.days,
        **timed(lambda: [figures_fill(day=day) for day in days]),
    }

    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="admin")
    start = today() - datetime.timedelta(days=29)
    cache.clear()
    report["read_30_days"] = {
        "live_today": timed(lambda: figures_of(admin, district, start, today())),
        "cached_today": timed(lambda: figures_of(admin, district, start, today())),
    }
    leaves_of: dict[str, list[int]] = {}
    for metric in registered_metrics():
        leaves_of[metric.name] = list(
            OrgUnit.objects.filter(path__startswith=district.path, level=metric.level).values_list(
                "pk", flat=True
            )
        )

    def from_raw():
        for day in [start + datetime.timedelta(days=i) for i in range(30)]:
            for metric in registered_metrics():
                compute_leaves(metric, leaves_of[metric.name], day)

    report["read_30_days"]["from_raw_tables"] = timed(from_raw)
    stored = report["read_30_days"]["cached_today"]["seconds"] or 0.001
    report["read_30_days"]["raw_over_stored"] = round(
        report["read_30_days"]["from_raw_tables"]["seconds"] / stored, 1
    )
    met = report["one_day"]["median_s"] <= TARGET_FILL_S
    report["targets_met"] = {"one_day_fill_le_60_s": met}
    print(report)
    return finish(report, RESULT, failures=Failures(), met=met)


if __name__ == "__main__":
    sys.exit(main())
