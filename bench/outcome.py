"""How a benchmark run ends. A run in which any request or operation failed cannot meet a
target: the number of failures goes into the result file (``errors``) with the first few
of them, and the script exits 1. Every result file says when and on what machine it was
written, so that each figure in bench/README.md can name its source."""

import datetime
import json
import os
import platform
import socket
import sys
from pathlib import Path

SHOWN_ERRORS = 5


def machine() -> dict:
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


class Failures:
    """Counts failed requests or operations and keeps the first few messages."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[str] = []

    def add(self, what: str, n: int = 1) -> None:
        self.count += n
        if len(self.first) < SHOWN_ERRORS:
            self.first.append(what[:300])

    def check_status(self, status: int, what: str, expected: int = 200) -> bool:
        if status == expected:
            return True
        self.add(f"{what} answered {status}")
        return False


def finish(report: dict, path: Path, *, failures: Failures, met: bool = True) -> int:
    """Write the result file and return the exit status: 0 only when every target was met
    and nothing failed."""
    report.setdefault("when", datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
    report["machine"] = {**machine(), **report.get("machine", {})}
    report["errors"] = failures.count
    if failures.first:
        report["first_errors"] = failures.first
    report["targets_met"] = bool(met) and failures.count == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"Written to {path}")
    if failures.count:
        print(
            f"{failures.count} requests or operations failed, so no target is met: "
            f"{failures.first}",
            file=sys.stderr,
        )
    return 0 if report["targets_met"] else 1
