"""Import a generated 100,000-row resident ledger end to end, import it again, and import
the same file through a plain row-by-row ORM loop, as a ratio.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shoumen_ledger_bench
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS shoumen_ledger_bench' \\
        -c 'CREATE DATABASE shoumen_ledger_bench'
    .venv/bin/shoumen migrate
    .venv/bin/python bench/ledger_import.py [--rows 100000] [--bad-share 0.01]

Each import runs in a fresh child process, so that its peak memory (``ru_maxrss``) is the
import's own: reading the .xlsx, validating and planning every row, and committing. See
bench/README.md.
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from shoumen.places.models import Level, OrgUnit  # noqa: E402
from shoumen.registry.models import Building, Household, Person, Relation  # noqa: E402

BENCH_CODE = "LEDGER-BENCH"
GRIDS = 20
SEED = 3
TARGET_SECONDS = 15.0
TARGET_MAXRSS_MB = 1024
RESULTS = ROOT / "bench" / "results"
HEADERS = [
    "序号", "姓名", "性别", "公民身份号码", "联系电话", "所属网格", "楼栋", "单元", "门牌号",
    "与户主关系", "人员类别", "备注",
]  # fmt: skip
RELATION_TEXT = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.OTHER: "其他",
}


# ---------------------------------------------------------------- the ledger


def _units() -> tuple[OrgUnit, list[OrgUnit]]:
    """A community with GRIDS grids of its own (made once per database)."""
    community = OrgUnit.objects.filter(code=f"{BENCH_CODE}-C").first()
    if community is None:
        units = OrgUnit.objects

        def add(parent, code, name, level):
            fields = {"code": code, "name": name, "level": level}
            if parent is None:
                return units.add_root(create_kwargs=fields)
            return units.add_child(parent, create_kwargs=fields)

        root = add(None, BENCH_CODE, "台账基准区", Level.DISTRICT)
        street = add(root, f"{BENCH_CODE}-S", "台账街道", Level.STREET)
        community = add(street, f"{BENCH_CODE}-C", "台账社区", Level.COMMUNITY)
        for k in range(1, GRIDS + 1):
            community.refresh_from_db()
            add(community, f"{BENCH_CODE}-G{k}", f"台账第{k}网格", Level.GRID)
        community.refresh_from_db()
    grids = list(OrgUnit.objects.filter(path__startswith=community.path, level=Level.GRID))
    return community, sorted(grids, key=lambda g: int(g.code.rsplit("G", 1)[1]))


def build_ledger(path: Path, *, rows: int, bad_share: float) -> dict:
    """Write the ledger and create its buildings (buildings are registered before
    residents are imported; households and persons come from the file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from shoumen.demo.generator import DemoGenerator
    from shoumen.lib.phones import national_digits

    community, grids = _units()
    rng = random.Random(SEED)  # noqa: S311 (bench data)
    generator = DemoGenerator(seed=SEED, day=datetime.date(2026, 11, 1))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民台账")
    sheet.append([f"{community.name}居民信息台账"])
    sheet.append(["填报日期：2026年11月"])
    sheet.append(HEADERS)
    written = bad = 0
    kinds: dict[str, int] = {}
    buildings: list[Building] = []
    previous_id = ""
    per_grid = rows // len(grids)
    for index, grid in enumerate(grids):
        quota = per_grid + (rows - per_grid * len(grids) if index == len(grids) - 1 else 0)
        plans = generator.grid_buildings(quota)
        existing = set(Building.objects.filter(grid=grid).values_list("name", flat=True))
        buildings += [
            Building(grid=grid, name=b.name, units=b.units) for b in plans if b.name not in existing
        ]
        for building in plans:
            for household in building.households:
                for member in household.members:
                    written += 1
                    id_cell = WriteOnlyCell(sheet, value=member.id_number)
                    id_cell.number_format = "@"
                    phone = national_digits(member.phone) if member.phone else ""
                    if phone and rng.random() < 0.2:
                        phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
                    row = [
                        written,
                        member.name,
                        "男" if member.sex == "M" else "女",
                        id_cell,
                        phone,
                        grid.name,
                        building.name,
                        household.unit,
                        household.door_number,
                        RELATION_TEXT.get(member.relation, "其他"),
                        "慢病" if member.chronic else "",
                        "",
                    ]
                    if rng.random() < bad_share:
                        kind = rng.choice(["checksum", "number", "phone", "sex", "twice"])
                        kinds[kind] = kinds.get(kind, 0) + 1
                        bad += 1
                        if kind == "checksum":
                            digit = "0" if member.id_number[17] != "0" else "1"
                            id_cell.value = member.id_number[:17] + digit
                        elif kind == "number":
                            row[3] = int(member.id_number[:17])
                        elif kind == "phone":
                            row[4] = "1234567"
                        elif kind == "sex":
                            row[2] = "女" if member.sex == "M" else "男"  # the ID says otherwise
                        elif previous_id:
                            id_cell.value = previous_id  # the previous row's number again
                            bad += 1  # both rows are bad
                    previous_id = member.id_number
                    sheet.append(row)
    Building.objects.bulk_create(buildings, batch_size=2000)
    workbook.save(path)
    return {"rows": written, "bad_rows_planted": bad, "kinds": kinds}


# ---------------------------------------------------------------- the imports


def _reset(community: OrgUnit) -> None:
    """Remove what earlier imports created under the bench community (not the buildings),
    and vacuum, so that each import starts from the same tables (autovacuum may be off)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_household, registry_person")
    with transaction.atomic():
        under = {"grid__path__startswith": community.path}
        Household.objects.filter(**under).update(head=None)
        Person.objects.filter(**under).delete()
        Household.objects.filter(**under).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_household, registry_person")


def child_import(path: Path, *, mode: str, limit: int | None) -> dict:
    """Runs in the child process: one import, timed, with its peak memory."""
    from shoumen.ledgers.importing import ledger_import

    community, _ = _units()
    data = path.read_bytes()
    server_cpu = _server_cpu_clock()
    server_started = server_cpu()
    cpu_started = time.process_time()
    started = time.perf_counter()
    if mode == "bulk":
        result = ledger_import(
            actor=None,
            system_label="bench",
            org_unit=community,
            data=data,
            filename=path.name,
            skip_bad_rows=True,
        )
        counts = result.counts
    else:
        counts = naive_import(community, data, path.name, limit=limit)
    seconds = time.perf_counter() - started
    cpu = {"python": round(time.process_time() - cpu_started, 2)}
    server_seconds = server_cpu()
    if server_seconds is not None and server_started is not None:
        cpu["postgres"] = round(server_seconds - server_started, 2)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 2),
        "maxrss_mb": round(maxrss_mb),
        "cpu_seconds": cpu,
        "counts": counts,
    }


def _server_cpu_clock():
    """The CPU seconds used so far by this connection's PostgreSQL backend, when it runs on
    this machine (read from /proc), else None: on a shared machine, CPU time tells what the
    import costs when wall time also counts other work."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def clock() -> float | None:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks

    return clock


def naive_import(community: OrgUnit, data: bytes, filename: str, *, limit: int | None) -> dict:
    """The plain way: for each row, look the person up, then register or update through the
    registry services (one transaction and one audit event per row). Same reader, same
    validation, no bulk writes. Bad rows are skipped."""
    from django.core.exceptions import ValidationError

    from shoumen.ledgers.importing.reading import building_key, cell_text
    from shoumen.lib.excel import read_table
    from shoumen.registry.household_services import household_create
    from shoumen.registry.models import DocumentType
    from shoumen.registry.services import person_find_by_document, person_register, person_update

    table = read_table(data, filename)
    column = {h: i for i, h in enumerate(table.headers)}
    grids = {g.name: g for g in OrgUnit.objects.filter(path__startswith=community.path)}
    counts = {"new": 0, "updated": 0, "unchanged": 0, "bad": 0}
    relation = {v: k for k, v in RELATION_TEXT.items()}
    for _number, cells in table.rows[:limit]:
        get = lambda header: cells[column[header]]  # noqa: E731, B023
        try:
            if not isinstance(get("公民身份号码"), str):
                raise ValidationError("number")
            grid = grids[cell_text(get("所属网格"))]
            building = (
                Building.objects.filter(grid=grid)
                .filter(name=building_key(cell_text(get("楼栋"))))
                .first()
            )
            if building is None:
                raise ValidationError("building")
            household = Household.objects.filter(
                building=building, unit=cell_text(get("单元")), door_number=cell_text(get("门牌号"))
            ).first() or household_create(
                actor=None,
                grid=grid,
                building=building,
                unit=cell_text(get("单元")),
                door_number=cell_text(get("门牌号")),
            )
            values = {
                "name": cell_text(get("姓名")),
                "document_type": DocumentType.RESIDENT_ID,
                "id_number": get("公民身份号码"),
                "phone": cell_text(get("联系电话")),
                "relation_to_head": relation.get(cell_text(get("与户主关系")), Relation.OTHER),
                "tags": ["chronic"] if cell_text(get("人员类别")) == "慢病" else [],
            }
            person = person_find_by_document(
                document_type=DocumentType.RESIDENT_ID, number=values["id_number"]
            )
            if person is None:
                person_register(actor=None, household=household, **values)
                counts["new"] += 1
            else:
                person_update(actor=None, person=person, **values)
                counts["updated"] += 1
        except (ValidationError, KeyError):
            counts["bad"] += 1
    return counts


def _as_system(function):
    """The registry services check the actor's scope; the naive loop runs as the system
    (like the command line), so the check is answered yes here."""
    import shoumen.registry.services as services

    services.require = lambda *args, **kwargs: None
    return function


def run_child(args: list[str]) -> dict:
    output = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument(
        "--naive-rows", type=int, default=None, help="rows for the row-by-row import (all)"
    )
    parser.add_argument("--child", choices=["bulk", "naive"], default=None)
    parser.add_argument(
        "--file", type=Path, default=Path(tempfile.gettempdir()) / "shoumen-ledger-bench.xlsx"
    )
    args = parser.parse_args()
    if args.child:
        if args.child == "naive":
            _as_system(None)
        print(json.dumps(child_import(args.file, mode=args.child, limit=args.naive_rows)))
        return 0

    RESULTS.mkdir(parents=True, exist_ok=True)
    community, _ = _units()
    _reset(community)
    started = time.perf_counter()
    ledger = build_ledger(args.file, rows=args.rows, bad_share=args.bad_share)
    print(f"ledger: {ledger} in {time.perf_counter() - started:.1f} s, {args.file}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_building, registry_household, registry_person")

    first = run_child(["--child", "bulk", "--file", str(args.file)])
    print(f"import:    {first}")
    again = run_child(["--child", "bulk", "--file", str(args.file)])
    print(f"re-import: {again}")
    _reset(community)
    naive_args = ["--child", "naive", "--file", str(args.file)]
    if args.naive_rows:
        naive_args += ["--naive-rows", str(args.naive_rows)]
    naive = run_child(naive_args)
    print(f"row by row: {naive}")
    naive_rows = args.naive_rows or ledger["rows"]
    bulk_rate = ledger["rows"] / first["seconds"]
    naive_rate = min(naive_rows, ledger["rows"]) / naive["seconds"]
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "ledger": ledger,
        "import": first,
        "reimport": again,
        "row_by_row": naive | {"rows": min(naive_rows, ledger["rows"])},
        "rows_per_second": {"bulk": round(bulk_rate), "row_by_row": round(naive_rate, 1)},
        "speed_ratio": round(bulk_rate / naive_rate, 1),
        "targets": {"seconds": TARGET_SECONDS, "maxrss_mb": TARGET_MAXRSS_MB},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    path = RESULTS / f"ledger-import-{connection.vendor}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"bulk is {report['speed_ratio']}× the row-by-row rate. Written to {path}")
    met = first["seconds"] <= TARGET_SECONDS and first["maxrss_mb"] <= TARGET_MAXRSS_MB
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
