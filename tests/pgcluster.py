"""A PostgreSQL primary and streaming replica of our own, for the tests and the soak.

The machine's PostgreSQL refuses replication connections, so this starts two ``postgres``
processes from the installed binaries, in a temporary directory owned by the ``postgres``
user (``initdb`` refuses to run as root), on free loopback ports: the primary, then a
replica made by ``pg_basebackup -R`` that streams from it.

    with LocalCluster() as cluster:
        cluster.create_database("shoumen")
        cluster.primary_url("shoumen"), cluster.replica_url("shoumen")
        cluster.pause_replay(); ...; cluster.resume_replay()
        cluster.stop_replica(); cluster.start_replica()
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SYSTEM_USER = "postgres"


def bindir() -> Path | None:
    """Where the installed PostgreSQL server binaries are (Debian's versioned directory
    first: /usr/bin holds only wrappers there), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    if not candidates and shutil.which("pg_basebackup"):
        candidates = [str(shutil.which("pg_basebackup"))]
    return Path(candidates[-1]).parent if candidates else None


def available() -> str:
    """Why a local cluster cannot be started here, or '' when it can."""
    if bindir() is None:
        return "no PostgreSQL server binaries (pg_ctl, initdb) on this machine"
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        return f"no '{SYSTEM_USER}' system user to run initdb as"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != SYSTEM_USER:
        return f"must run as root or as '{SYSTEM_USER}' to start PostgreSQL processes"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalCluster:
    def __init__(self) -> None:
        self.bin = bindir()
        self.root = Path(tempfile.mkdtemp(prefix="shoumen-pg-"))
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"
        self.primary_port = free_port()
        self.replica_port = free_port()
        self._as_postgres = os.geteuid() == 0

    # -- running commands as the postgres user --------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        assert self.bin is not None
        command = [str(self.bin / args[0]), *args[1:]]
        return subprocess.run(
            command,
            user=SYSTEM_USER if self._as_postgres else None,
            cwd=self.root,
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def _pg_ctl(self, directory: Path, action: str, port: int | None = None) -> None:
        args = ["pg_ctl", "-D", str(directory), "-w", "-t", "60", action]
        if action == "start":
            args += ["-l", str(self.root / f"{directory.name}.log")]
            args += ["-o", f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1"]
        if action == "stop":
            args += ["-m", "fast"]
        self._run(*args)

    def psql(self, port: int, sql: str, database: str = "postgres") -> str:
        result = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(port), "-U", SYSTEM_USER, "-d", database,
            "-tAX", "-v", "ON_ERROR_STOP=1", "-c", sql,
        )  # fmt: skip
        return result.stdout.strip()

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> LocalCluster:
        if self._as_postgres:
            shutil.chown(self.root, SYSTEM_USER, SYSTEM_USER)
        self._run("initdb", "-D", str(self.primary_dir), "-U", SYSTEM_USER, "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# tests.pgcluster\nwal_level = replica\nmax_wal_senders = 5\n"
                "hot_standby = on\nfsync = off\nfull_page_writes = off\n"
                "synchronous_commit = off\nmax_connections = 200\n"
            )
        with open(self.primary_dir / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._pg_ctl(self.primary_dir, "start", self.primary_port)
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port),
                  "-U", SYSTEM_USER, "-D", str(self.replica_dir), "-R", "-X", "stream",
                  "--no-sync")  # fmt: skip
        self.start_replica()
        return self

    def start_replica(self) -> None:
        self._pg_ctl(self.replica_dir, "start", self.replica_port)

    def stop_replica(self) -> None:
        self._pg_ctl(self.replica_dir, "stop")

    def stop(self) -> None:
        try:
            for directory in (self.replica_dir, self.primary_dir):
                if (directory / "postmaster.pid").exists():
                    self._run("pg_ctl", "-D", str(directory), "-w", "stop", "-m", "immediate",
                              check=False)  # fmt: skip
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what tests use -----------------------------------------------------------------
    def create_database(self, name: str) -> None:
        self.psql(self.primary_port, f'CREATE DATABASE "{name}"')
        self.wait_for_replica()

    def primary_url(self, database: str) -> str:
        return f"postgres://{SYSTEM_USER}@127.0.0.1:{self.primary_port}/{database}"

    def replica_url(self, database: str) -> str:
        return f"postgres://{SYSTEM_USER}@127.0.0.1:{self.replica_port}/{database}"

    def pause_replay(self) -> None:
        """The replica keeps receiving WAL but applies none of it: it falls behind. Returns
        once the pause has taken hold (a request alone may still apply a record)."""
        self.psql(self.replica_port, "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.psql(self.replica_port, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise TimeoutError("the replica's replay did not pause")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.psql(self.replica_port, "SELECT pg_wal_replay_resume()")

    def wait_for_replica(self, timeout: float = 30.0) -> None:
        """Until the replica has applied everything the primary has written."""
        target = self.psql(self.primary_port, "SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            applied = self.psql(
                self.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            )
            if applied == "t":
                return
            time.sleep(0.1)
        raise TimeoutError(f"replica did not reach {target} in {timeout} s")
