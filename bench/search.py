"""Registry search and household list latency on a loaded demo district.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_bench \\
        .venv/bin/python bench/search.py [--runs 200] [--warmup 20] [--seed 1]

Two views of each case. "page" requests the real page through Django's full stack (session,
middleware, view, selector, template) with a logged-in test client, as a phone would.
"selector" runs the selector alone, as a fresh request would: the actor's role assignments
are read again, the first page (20 rows) is fetched and the total is counted. Queries are
drawn from the data in the actor's scope. See bench/README.md.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from outcome import Failures, finish  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from shoumen.accounts.models import User  # noqa: E402
from shoumen.accounts.scoping import forget_assignments  # noqa: E402
from shoumen.demo.plan import grid_code  # noqa: E402
from shoumen.places.models import OrgUnit  # noqa: E402
from shoumen.registry.models import Person, Status  # noqa: E402
from shoumen.registry.selectors import (  # noqa: E402
    PersonFilters,
    households_of_grid,
    persons_search,
    persons_visible_to,
)

PAGE = 20
POOL = 200


def initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))


def query_pools(user, rng: random.Random) -> dict[str, list[str]]:
    """Names, pinyin initials and ID last 4 of residents the actor can see."""
    visible = persons_visible_to(user).filter(status=Status.RESIDENT)
    top = visible.order_by("-id").values_list("id", flat=True).first()
    low = visible.order_by("id").values_list("id", flat=True).first()
    sample: list[tuple[str, str]] = []
    while len(sample) < POOL:
        start = rng.randint(low, top)
        rows = visible.filter(id__gte=start).order_by("id").only("name", "id_number_encrypted")
        sample += [(p.name, p.id_number()[-4:]) for p in rows[:5]]
    sample = sample[:POOL]
    return {
        "name": [name for name, _ in sample],
        "initials": [initials(name) for name, _ in sample],
        "id_last4": [last4 for _, last4 in sample],
    }


def search_once(user, q: str) -> tuple[int, int]:
    forget_assignments(user)
    qs = persons_search(user, PersonFilters(q=q))
    rows = list(qs[:PAGE])
    for person in rows:  # what a list row shows
        _ = (person.name, person.household.label, person.grid.name)
    return len(rows), qs.count()


def households_once(user, grid: OrgUnit) -> tuple[int, int]:
    forget_assignments(user)
    qs = households_of_grid(user, grid)
    rows = list(qs[:PAGE])
    for household in rows:
        _ = (
            household.label,
            household.head.name if household.head else "",
            household.resident_count,
        )
    return len(rows), qs.count()


def page_once(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url.split('?')[0]} answered {response.status_code}")
    return 1, 0


def search_page_once(client: Client, q: str) -> tuple[int, int]:
    """The search as a worker makes it: the form posted, then its results page."""
    response = client.post(reverse("registry:search"), {"q": q}, follow=True)
    if response.status_code != 200 or response.context["page"] is None:
        raise RuntimeError(f"search answered {response.status_code}")
    return 1, 0


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure(fn, args_list, *, runs: int, warmup: int, failures: Failures) -> dict:
    """Timings of the runs that succeeded; a run that raised is counted as an error."""
    errors = 0
    for args in args_list[:warmup]:
        try:
            fn(*args)
        except Exception as exc:
            errors += 1
            failures.add(repr(exc))
    timings, totals = [], []
    for i in range(runs):
        args = args_list[i % len(args_list)]
        started = time.perf_counter()
        try:
            _, total = fn(*args)
        except Exception as exc:
            errors += 1
            failures.add(repr(exc))
            continue
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(total)
    timings.sort()
    if not timings:
        return {"runs": runs, "errors": errors, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "runs": runs,
        "errors": errors,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "mean_hits": round(statistics.mean(totals), 1) if any(totals) else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--warmup",
        type=int,
        default=POOL,
        help="untimed runs first; the default visits each query once",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()

    settings.DEBUG = False  # no query log kept in memory, as in production
    rng = random.Random(args.seed)
    grid = OrgUnit.objects.get(code=grid_code(1, 1, 1))
    actors = {name: User.objects.get(username=name) for name in ("grid1", "street1")}
    results: dict[str, dict] = {}
    failures = Failures()
    grid_url = reverse("registry:grid", args=[grid.pk])
    for actor_name, user in actors.items():
        client = logged_in(user)
        pools = query_pools(user, rng)
        for kind, pool in pools.items():
            rng.shuffle(pool)
            results[f"page: search by {kind} as {actor_name}"] = measure(
                search_page_once,
                [(client, q) for q in pool],
                runs=args.runs,
                warmup=args.warmup,
                failures=failures,
            )
            results[f"selector: search by {kind} as {actor_name}"] = measure(
                search_once,
                [(user, q) for q in pool],
                runs=args.runs,
                warmup=args.warmup,
                failures=failures,
            )
        results[f"page: grid household list as {actor_name}"] = measure(
            page_once,
            [(client, grid_url)],
            runs=args.runs,
            warmup=args.warmup,
            failures=failures,
        )
        results[f"selector: grid household list as {actor_name}"] = measure(
            households_once, [(user, grid)], runs=args.runs, warmup=args.warmup, failures=failures
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        server = cursor.fetchone()[0]
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "server": str(server),
        "persons": Person.objects.count(),
        "grid_persons": Person.objects.filter(grid=grid).count(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "target_p95_ms": args.target_ms,
        "cases": results,
    }

    table = Table(title=f"{report['persons']:,} persons on {connection.vendor}")
    for column in ("case", "p50 ms", "p95 ms", "max ms", "mean hits", "errors", "p95 ≤ target"):
        table.add_column(column, justify="left" if column == "case" else "right")

    def met(r: dict) -> bool:
        return r["errors"] == 0 and r["p95_ms"] is not None and r["p95_ms"] <= args.target_ms

    for case, r in results.items():
        table.add_row(
            case,
            f"{r['p50_ms']:.1f}" if r["p50_ms"] is not None else "",
            f"{r['p95_ms']:.1f}" if r["p95_ms"] is not None else "",
            f"{r['max_ms']:.1f}" if r["max_ms"] is not None else "",
            f"{r['mean_hits']:,}" if r.get("mean_hits") is not None else "",
            str(r["errors"]),
            "yes" if met(r) else "[red]no[/red]",
        )
    Console(width=120).print(table)
    path = Path(args.out) / f"search-{connection.vendor}.json"
    return finish(report, path, failures=failures, met=all(met(r) for r in results.values()))


if __name__ == "__main__":
    sys.exit(main())
