"""Time `shoumen demo --size SIZE` on an empty database and record the figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_bench \\
        .venv/bin/python bench/load.py [--size large] [--seed 2020]

The database must be migrated and hold no demo district yet (the load is skipped
otherwise, which is what `make demo` relies on, but is not what this measures).
"""

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from outcome import Failures, finish  # noqa: E402

from shoumen.demo.load import demo_counts, demo_district  # noqa: E402
from shoumen.demo.plan import DEFAULT_SEED, SIZES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="large")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    if demo_district() is not None:
        print("The demo district already exists; use an empty database to time the load.")
        return 2
    failures = Failures()
    started = time.perf_counter()
    try:
        call_command("demo", size=args.size, seed=args.seed)
    except Exception as exc:
        failures.add(f"demo --size {args.size}: {exc!r}")
    seconds = time.perf_counter() - started
    district = demo_district()
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "size": args.size,
        "seed": args.seed,
        "seconds": round(seconds, 1),
        "counts": demo_counts(district) if district is not None else {},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    print(f"demo --size {args.size}: {seconds:.1f} s")
    path = Path(args.out) / f"load-{args.size}-{connection.vendor}.json"
    return finish(report, path, failures=failures)


if __name__ == "__main__":
    sys.exit(main())
