"""CPU accounting for the HTTP benchmarks: what the server's processes, their PostgreSQL
backends and the load generator spent over a phase (from /proc), which a shared machine
disturbs far less than it disturbs wall-clock figures."""

import os
import subprocess
import time
from pathlib import Path

import psycopg

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pids) -> dict[int, float]:
    """pid -> user + system CPU seconds so far (processes that are gone are left out)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return seconds


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to the bench database, this query's own excepted."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    # A process that started during the phase spent all it has.
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class CpuMeter:
    """CPU spent by the server's process group, its PostgreSQL backends (also those the
    connection pool opens during the phase) and this process, over a ``with`` block."""

    def __init__(self, server: subprocess.Popen, database_url: str):
        self.server, self.database_url = server, database_url

    def __enter__(self):
        self.app0 = cpu_of(group_pids(self.server.pid))
        self.db0 = cpu_of(backend_pids(self.database_url))
        self.client0 = time.process_time()
        return self

    def __exit__(self, *exc):
        app = cpu_of(group_pids(self.server.pid))
        db = cpu_of(backend_pids(self.database_url))
        self.result = {
            "app_cpu_s": round(_spent(self.app0, app), 2),
            "db_cpu_s": round(_spent(self.db0, db), 2),
            "client_cpu_s": round(time.process_time() - self.client0, 2),
        }

    def per(self, count: int, unit: str) -> dict:
        """The phase's CPU per ``unit`` (request, row) in milliseconds."""
        r = self.result
        return {
            **r,
            f"server_cpu_ms_per_{unit}": round((r["app_cpu_s"] + r["db_cpu_s"]) * 1000 / count, 3),
            f"db_cpu_ms_per_{unit}": round(r["db_cpu_s"] * 1000 / count, 3),
            f"client_cpu_ms_per_{unit}": round(r["client_cpu_s"] * 1000 / count, 3),
        }
