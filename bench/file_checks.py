"""Peak memory and time of checking and reading uploaded spreadsheets: a 1.5 MB zip bomb,
a 1,000,000-row file (xlsx and CSV), a 100,000-row ledger and the largest sheet the
default limits accept (200,000 rows × 15 columns).

    .venv/bin/python bench/file_checks.py [--unchecked-bomb]   # → results/file-checks.json

Every file is generated first (in a temporary directory, removed afterwards); each case
then runs in a fresh child process that reads the file, records its resident set size,
runs ``check_upload`` and ``read_table`` (which checks again, as the worker does) and
reports its peak RSS (the kernel's VmHWM, which starts afresh in each child), so that each
figure is that case's own.
``--unchecked-bomb`` also hands the bomb to the reader with the checks skipped, in a child
whose address space is capped at 3 GB, to show what the checks prevent.
No database is needed.
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
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

RESULTS = ROOT / "bench" / "results"
TARGET_PEAK_MB = 1024
UNCHECKED_CAP_BYTES = 3 * 1024**3
HEADERS = [
    "序号", "姓名", "性别", "公民身份号码", "联系电话", "所属网格", "楼栋", "单元", "门牌号",
    "与户主关系", "人员类别", "备注",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _person(rng: random.Random, number: int) -> list[str]:
    birth = f"{rng.randrange(1940, 2020)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    return [
        str(number),
        rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randrange(1, 3))),
        rng.choice("男女"),
        f"110105{birth}{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
        f"13{rng.randrange(10**9):09d}",
        f"光华第{rng.randrange(1, 21)}网格",
        f"{rng.randrange(1, 80)}号楼",
        str(rng.randrange(1, 7)),
        f"{rng.randrange(1, 33)}0{rng.randrange(1, 5)}",
        rng.choice(["户主", "配偶", "子女", "父母"]),
        rng.choice(["", "", "慢病", "独居老人"]),
        "",
    ]


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_ledger_xlsx(path: Path, rows: int, *, columns: int = len(HEADERS)) -> None:
    """A ledger as Excel lays one out (inline strings, every cell referenced), streamed
    into the zip row by row; columns beyond the 12 of a ledger repeat them."""
    from tests.lib.hostile_files import SHEET_HEAD, SHEET_TAIL, _workbook_parts

    rng = random.Random(7)  # noqa: S311 (bench data)
    letters = [_column(i) for i in range(columns)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in _workbook_parts(b"").items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            batch: list[str] = []
            for number in range(1, rows + 2):
                values = HEADERS if number == 1 else _person(rng, number - 1)
                values = [values[i % len(values)] for i in range(columns)]
                cells = "".join(
                    f'<c r="{letters[i]}{number}" t="inlineStr">'
                    f"<is><t>{_xml_escape(v)}</t></is></c>"
                    for i, v in enumerate(values)
                    if v
                )
                batch.append(f'<row r="{number}">{cells}</row>')
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(SHEET_TAIL)


def write_ledger_csv(path: Path, rows: int) -> None:
    import csv

    rng = random.Random(7)  # noqa: S311 (bench data)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for number in range(1, rows + 1):
            writer.writerow(_person(rng, number))


BOMB = "zip bomb (1.5 MB .xlsx)"
LARGEST = "largest accepted: 200,000 rows × 15 columns (.xlsx)"


def write_short_rows(path: Path, rows: int) -> None:
    """A million short rows (name, sex, grid) that fit under the upload limit."""
    from tests.lib.hostile_files import text_rows, xlsx

    body = [["姓名", "性别", "所属网格"]] + [["张伟", "男", "光华第1网格"]] * rows
    if path.suffix == ".csv":
        path.write_text("".join(",".join(r) + "\n" for r in body), encoding="utf-8")
    else:
        path.write_bytes(xlsx(text_rows(body)))


TEXT_HEAVY = "text-heavy: 100,000 rows × 20 cells of 33 Chinese characters (.xlsx)"


def write_text_heavy(path: Path, rows: int, columns: int) -> None:
    """Long cells close to the unpacked-size limit: what costs the reader most per byte."""
    from tests.lib.hostile_files import SHEET_HEAD, SHEET_TAIL, _workbook_parts

    rng = random.Random(11)  # noqa: S311 (bench data)
    texts = ["".join(rng.choice(GIVEN + SURNAMES) for _ in range(33)) for _ in range(40)]
    letters = [_column(i) for i in range(columns)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in _workbook_parts(b"").items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            header = "".join(
                f'<c r="{letters[i]}1" t="inlineStr"><is><t>{h}</t></is></c>'
                for i, h in enumerate(["姓名", "性别", *(f"备注{n}" for n in range(columns - 2))])
            )
            sheet.write(f'<row r="1">{header}</row>'.encode())
            for number in range(2, rows + 2):
                cells = "".join(
                    f'<c r="{letters[i]}{number}" t="inlineStr">'
                    f"<is><t>{rng.choice(texts)}</t></is></c>"
                    for i in range(columns)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(SHEET_TAIL)


def build_files(folder: Path) -> dict[str, Path]:
    from tests.lib.hostile_files import zip_bomb

    files = {
        BOMB: folder / "bomb.xlsx",
        "1,000,000 short rows (.xlsx, 3 columns)": folder / "million-short.xlsx",
        "1,000,000 short rows (.csv, 3 columns)": folder / "million-short.csv",
        "1,000,000-row ledger (.xlsx, 12 columns)": folder / "million.xlsx",
        "1,000,000-row ledger (.csv, 12 columns)": folder / "million.csv",
        "100,000-row ledger (.xlsx)": folder / "ledger-100k.xlsx",
        "100,000-row ledger (.csv)": folder / "ledger-100k.csv",
        LARGEST: folder / "largest.xlsx",
        TEXT_HEAVY: folder / "text-heavy.xlsx",
    }
    files[BOMB].write_bytes(zip_bomb(packed_mb=1.5))
    write_short_rows(files["1,000,000 short rows (.xlsx, 3 columns)"], 1_000_000)
    write_short_rows(files["1,000,000 short rows (.csv, 3 columns)"], 1_000_000)
    write_ledger_xlsx(files["1,000,000-row ledger (.xlsx, 12 columns)"], 1_000_000)
    write_ledger_csv(files["1,000,000-row ledger (.csv, 12 columns)"], 1_000_000)
    write_ledger_xlsx(files["100,000-row ledger (.xlsx)"], 100_000)
    write_ledger_csv(files["100,000-row ledger (.csv)"], 100_000)
    write_ledger_xlsx(files[LARGEST], 199_999, columns=15)
    write_text_heavy(files[TEXT_HEAVY], 100_000, 20)
    return files


# ---------------------------------------------------------------- the child


def child(path: str, unchecked: bool) -> None:
    import django

    django.setup()
    from shoumen.lib import excel
    from shoumen.lib.file_checks import check_upload
    from shoumen.lib.file_limits import FileRefused, UnreadableFile

    data = Path(path).read_bytes()
    result: dict = {"file_mb": round(len(data) / 1024**2, 2)}
    result["rss_before_mb"] = _rss_now_mb()
    if unchecked:
        resource.setrlimit(resource.RLIMIT_AS, (UNCHECKED_CAP_BYTES, UNCHECKED_CAP_BYTES))
        excel.check_zip = lambda data, limits: None  # the reader alone, as before the checks
        excel.check_size = lambda data, limits: None
        excel.check_area = lambda rows, columns, limits: None
    started = time.perf_counter()
    cpu = time.process_time()
    try:
        if not unchecked:
            check_upload(data, path)
            result["check_seconds"] = round(time.perf_counter() - started, 2)
            result["check_cpu_seconds"] = round(time.process_time() - cpu, 2)
        table = excel.read_table(data, path)
        result["outcome"] = f"read {len(table.rows)} rows"
    except FileRefused as exc:
        result["outcome"] = f"refused: {exc.code}"
        result["message"] = str(exc.message)
    except UnreadableFile as exc:
        result["outcome"] = f"read, then found no ledger header ({exc.code})"
    except MemoryError:
        result["outcome"] = "MemoryError at the address-space cap"
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["cpu_seconds"] = round(time.process_time() - cpu, 2)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False))


def _rss_now_mb() -> int:
    with open("/proc/self/statm") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2)


def _peak_rss_mb() -> int:
    """The kernel's high-water mark of this process image (VmHWM), which starts afresh at
    exec; ``ru_maxrss`` would carry over the peak of the parent that forked it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_child(path: Path, *, unchecked: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", str(path)]
    if unchecked:
        command.append("--unchecked")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"outcome": f"child died (exit {done.returncode})", "stderr": done.stderr[-300:]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--build")
    parser.add_argument("--unchecked", action="store_true")
    parser.add_argument("--unchecked-bomb", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.unchecked)
        return
    if args.build:
        print(json.dumps({k: str(v) for k, v in build_files(Path(args.build)).items()}))
        return

    import django

    django.setup()
    from shoumen.lib.file_limits import Limits

    report: dict = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "limits": Limits.current().__dict__,
        "target_peak_mb": TARGET_PEAK_MB,
        "cases": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        # Built in a child of its own, so that this process stays small.
        built = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--build", folder],
            capture_output=True,
            text=True,
            check=True,
        )
        files = {k: Path(v) for k, v in json.loads(built.stdout.strip().splitlines()[-1]).items()}
        print(f"files generated in {time.perf_counter() - started:.0f} s")
        for name, path in files.items():
            result = run_child(path)
            report["cases"][name] = result
            print(f"{name}: {json.dumps(result, ensure_ascii=False)}")
        if args.unchecked_bomb:
            result = run_child(files[BOMB], unchecked=True)
            report["cases"]["zip bomb, checks skipped (3 GB address-space cap)"] = result
            print(f"zip bomb unchecked: {json.dumps(result, ensure_ascii=False)}")
    checked = {n: c for n, c in report["cases"].items() if "skipped" not in n}
    # A checked case whose child died, or that neither read nor refused the file, is an error.
    errors = [n for n, c in checked.items() if not c["outcome"].startswith(("read ", "refused: "))]
    peaks = [c.get("peak_rss_mb", 0) for c in checked.values()]
    report["max_peak_rss_mb"] = max(peaks)
    report["errors"] = errors
    report["targets_met"] = not errors and max(peaks) <= TARGET_PEAK_MB
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "file-checks.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"max peak RSS {max(peaks)} MB (target ≤ {TARGET_PEAK_MB} MB); errors: {errors}")
    if not report["targets_met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
