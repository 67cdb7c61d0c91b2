"""Soak: a working day on two web nodes behind nginx, a PostgreSQL primary and a streaming
replica, Redis, one task worker and one scheduler, with faults on a timetable.

    .venv/bin/python bench/soak.py [--minutes 10] [--one-node-minutes 2] [--capacity-seconds 60]
    make soak                                  # the same, with nginx installed when missing

Runs as root (PostgreSQL is started as the ``postgres`` user by tests/pgcluster.py) with
nginx and a Redis server on 127.0.0.1:6379 (database 7 is flushed). Everything else is made
here, in a temporary directory, and removed at the end:

1. A primary and a streaming replica (tests/pgcluster.py), a database migrated and loaded
   with ``shoumen demo --size medium``; two gunicorn nodes (deploy/gunicorn.conf.py) behind
   an nginx of its own on loopback, which passes the client's address in X-Real-IP (the
   rate limits read it through SHOUMEN_CLIENT_IP_HEADER) and serves /static/ itself.
   Every process runs on the soak's clock (bench/soak_clock.py): the next school day's
   morning, 07:30 in Beijing, whatever the real date.
2. The mixed day, open loop (each request sent at its time): classes' morning checks at the
   peak and their noon checks later (POST /api/v1/class-checks), grid workers' follow-ups
   (POST /api/v1/health-reports), residents' self-reports through their links (the public
   form, each phone from its own loopback address), checkpoint scans (POST
   /api/v1/scans/batch), officers' board pages with a logged-in session, and one resident
   ledger import run by the task worker. Every write carries its client UUID, so a request
   sent again after a failure (no answer, 502/503/504) cannot be recorded twice.
3. Faults on a timetable (fractions of the run): at 20% one web node is killed (SIGKILL)
   and restarted at 25%; at 40% the replica is stopped and started again at 50%; at 55% the
   ledger import starts and the worker is killed (SIGKILL) while it runs, then restarted.
4. Afterwards: rows in the database for every client UUID sent, against the writes
   acknowledged; then the same closed-loop mix for ``--capacity-seconds`` on two nodes and
   on one, and ``--one-node-minutes`` of the open-loop mix on one node.

Writes bench/results/soak.json; exits 1 when a request failed after its retries, or the
rows written differ from the rows acknowledged.
"""

import argparse
import base64
import contextlib
import datetime
import http.client
import http.cookies
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cpu import backend_pids, cpu_of, group_pids  # noqa: E402
from outcome import Failures, finish  # noqa: E402
from soak_faults import Faults  # noqa: E402
from soak_load import Load  # noqa: E402
from soak_plan import plan_world  # noqa: E402

from tests.pgcluster import LocalCluster, available, free_port  # noqa: E402

BIN = ROOT / ".venv" / "bin"
REDIS_URL = "redis://127.0.0.1:6379/7"
RESULTS = ROOT / "bench" / "results"
LOGS = Path(tempfile.gettempdir()) / "shoumen-soak-logs"
NODE_WORKERS, NODE_THREADS = 2, 4
DEMO_SIZE = "medium"
PASSWORD = "shoumen-demo"  # noqa: S105 (the demo users' documented password)
# Requests a second of each kind in the open-loop mix; class checks come in two waves.
RATES = {"follow_up": 1.5, "self_report": 0.8, "scan": 1.5, "board": 0.8}
CLASS_CHECK_RATE = 1.3
CLOSED_LOOP_CLIENTS = 8
WARM_UP_S = 20.0


def soak_clock_offset() -> float:
    """Seconds from now to 07:30 (Beijing) of the next weekday: the morning peak."""
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    day = datetime.datetime.now(beijing).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    target = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=beijing)
    return target.timestamp() - time.time()


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# ---------------------------------------------------------------- processes


class Proc:
    """A child process in its own session, so that a kill takes its children too."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.argv, self.env, self.logdir = name, argv, env, logdir
        self.process: subprocess.Popen | None = None

    def start(self) -> "Proc":
        log = open(self.logdir / f"{self.name}.log", "ab")  # noqa: SIM115 (kept by the child)
        self.process = subprocess.Popen(  # noqa: S603
            self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self) -> None:
        self.signal(signal.SIGTERM)
        if self.process is None:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_http(port: int, timeout: float = 90.0) -> float:
    """Seconds until the node or nginx on ``port`` answers 200 on /healthz (or, where there
    is no /healthz, on the login page)."""
    began = time.monotonic()
    path = "/healthz"
    while time.monotonic() - began < timeout:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return time.monotonic() - began
            if response.status == 404:
                path = "/login/"
                continue
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered 200 on port {port}{path} in {timeout:.0f} s")


class Stack:
    """nginx, the web nodes, the worker and the scheduler of one soak."""

    def __init__(self, env: dict, tmp: Path, static_root: Path):
        self.env, self.tmp, self.static_root = env, tmp, static_root
        self.logs = tmp / "logs"
        self.logs.mkdir()
        self.nginx_port = free_port()
        self.node_ports = [free_port(), free_port()]
        self.nodes = [self.node(i) for i in range(2)]
        # Started again under the same id, as systemd does (--worker-id %H): the new process
        # takes back its killed predecessor's task once that one's statements have ended.
        self.worker = self.cli(
            "worker", "db_worker", "--interval", "1", "--worker-id", "soak-worker"
        )
        self.scheduler = self.cli("scheduler", "scheduler")
        self.nginx = Proc(
            "nginx", ["nginx", "-p", str(tmp / "nginx"), "-c", str(tmp / "nginx" / "nginx.conf")],
            env, self.logs,
        )  # fmt: skip

    def node(self, index: int) -> Proc:
        argv = [
            str(BIN / "gunicorn"), "soak_clock:application", "--pythonpath", str(ROOT / "bench"),
            "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.node_ports[index]}",
            "--workers", str(NODE_WORKERS), "--threads", str(NODE_THREADS),
        ]  # fmt: skip
        return Proc(f"node{index + 1}", argv, self.env, self.logs)

    def wait_node(self, index: int) -> float:
        return wait_http(self.node_ports[index])

    def cli(self, name: str, *args: str) -> Proc:
        return Proc(name, [str(BIN / "python"), str(ROOT / "bench" / "soak_clock.py"), *args],
                    self.env, self.logs)  # fmt: skip

    def write_nginx(self, nodes: int) -> None:
        prefix = self.tmp / "nginx"
        prefix.mkdir(exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
            for port in self.node_ports[:nodes]
        )
        (prefix / "nginx.conf").write_text(
            NGINX_CONF.format(
                prefix=prefix, servers=servers, port=self.nginx_port, static=self.static_root
            )
        )

    def reload_nginx(self, nodes: int) -> None:
        self.write_nginx(nodes)
        prefix = self.tmp / "nginx"
        subprocess.run(  # noqa: S603
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-s", "reload"],  # noqa: S607
            check=True,
        )
        time.sleep(1)

    def start(self) -> None:
        self.write_nginx(2)
        for node in self.nodes:
            node.start()
        self.nginx.start()
        self.worker.start()
        self.scheduler.start()
        for port in self.node_ports:
            wait_http(port)
        wait_http(self.nginx_port)

    def stop(self) -> None:
        for proc in (self.scheduler, self.worker, *self.nodes, self.nginx):
            proc.stop()


# The soak's own nginx: plain HTTP on loopback (deploy/nginx/shoumen.conf is the production
# site, with TLS). Idempotent requests go on to the other node when one does not answer.
NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream shoumen {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 60m;
        location /static/ {{
            alias {static}/;
            expires 30d;
        }}
        location / {{
            proxy_pass http://shoumen;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


# ---------------------------------------------------------------- the run


def setup_database(cluster: LocalCluster, env: dict) -> dict:
    cluster.create_database("shoumen_soak")
    began = time.monotonic()
    subprocess.run([str(BIN / "shoumen"), "migrate", "--no-input", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    migrate_s = time.monotonic() - began
    began = time.monotonic()
    subprocess.run(  # noqa: S603
        [str(BIN / "python"), str(ROOT / "bench" / "soak_clock.py"), "demo", "--size", DEMO_SIZE],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    demo_s = time.monotonic() - began
    subprocess.run([str(BIN / "shoumen"), "collectstatic", "--no-input", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    return {"migrate_s": round(migrate_s, 1), "demo_load_s": round(demo_s, 1)}


def cpu_now(stack: Stack) -> tuple[dict, dict]:
    """CPU seconds so far of the web nodes' processes and of the PostgreSQL backends of the
    primary and the replica (bench/cpu.py)."""
    pids = [
        pid
        for node in stack.nodes
        if node.process is not None and node.process.poll() is None
        for pid in group_pids(node.process.pid)
    ]
    db: dict = {}
    for url in (stack.env["DATABASE_URL"], stack.env["DATABASE_REPLICA_URLS"]):
        with contextlib.suppress(Exception):
            db.update(cpu_of(backend_pids(url)))
    return cpu_of(pids), db


def spent(before: dict, after: dict) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def capacity(stack: Stack, load: Load, seconds: float) -> dict:
    """The closed-loop mix on two nodes and on one, in the order two, one, one, two (half
    the time each), so that a machine busier in one half does not favour one side."""
    rounds = []
    for n, nodes in enumerate((2, 1, 1, 2)):
        if n in (1, 3):
            stack.reload_nginx(nodes)
        phase = f"capacity-{nodes}-{n}"
        print(f"capacity: {nodes} node(s), {seconds / 2:.0f} s")
        app0, db0 = cpu_now(stack)
        load.run_closed_loop(phase, seconds / 2, CLOSED_LOOP_CLIENTS)
        app1, db1 = cpu_now(stack)
        result = load.report(phase)
        result["cpu"] = {"app_s": round(spent(app0, app1), 2), "db_s": round(spent(db0, db1), 2)}
        rounds.append((nodes, result))
    totals = {}
    for nodes in (2, 1):
        mine = [r for k, r in rounds if k == nodes]
        ok = sum(r["total"]["ok"] for r in mine)
        took = sum(r["seconds"] for r in mine)
        app = sum(r["cpu"]["app_s"] for r in mine)
        db = sum(r["cpu"]["db_s"] for r in mine)
        totals[nodes] = {
            "requests_ok": ok,
            "seconds": round(took, 1),
            "per_s": round(ok / took, 2),
            "errors": sum(r["total"]["errors"] for r in mine),
            "app_cpu_ms_per_request": round(1000 * app / max(ok, 1), 2),
            "db_cpu_ms_per_request": round(1000 * db / max(ok, 1), 2),
        }
    stack.reload_nginx(1)
    return {
        "clients": CLOSED_LOOP_CLIENTS,
        "order": "two nodes, one, one, two",
        "rounds": [{"nodes": k, **r} for k, r in rounds],
        "two_nodes": totals[2],
        "one_node": totals[1],
        "two_over_one_throughput": round(totals[2]["per_s"] / max(totals[1]["per_s"], 0.001), 2),
    }


def table_sizes(limit: int = 20) -> dict:
    """The largest tables at the end (rows estimated by PostgreSQL, bytes with indexes and
    TOAST; a partitioned table summed over its partitions): a base for sizing estimates."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT coalesce(parent.relname, c.relname) AS name, sum(c.reltuples)::bigint, "
            "sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
            "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
            "LEFT JOIN pg_class parent ON parent.oid = i.inhparent "
            "WHERE c.relkind = 'r' GROUP BY 1 ORDER BY 3 DESC LIMIT %s",
            [limit],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
    return {
        "database_bytes": total,
        "tables": {name: {"rows": max(0, n), "bytes": size} for name, n, size in rows},
    }


def annotate_faults(events: list[dict], load) -> list[dict]:
    """Each fault with the requests that needed a retry, or failed, in the 15 seconds
    after it."""
    records = load.records.get("soak", [])
    for event in events:
        near = [r for r in records if event["at_s"] <= r["t"] < event["at_s"] + 15]
        event["requests_in_next_15_s"] = len(near)
        event["retried_in_next_15_s"] = sum(r["attempts"] > 1 for r in near)
        event["failed_in_next_15_s"] = sum(not r["ok"] for r in near)
    return events


def replica_router_landed() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(  # noqa: S603
            ["git", *args, "--", "shoumen/lib/replicas.py"],  # noqa: S607
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        return out.stdout.strip()

    last = git("log", "--oneline", "-1")
    if last and git("status", "--short"):
        last += " (and changes not yet committed, in the tree the run used)"
    return last


def main() -> int:  # noqa: PLR0915 (one run, step by step)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--one-node-minutes", type=float, default=2.0)
    parser.add_argument("--capacity-seconds", type=float, default=60.0)
    parser.add_argument("--ledger-rows", type=int, default=20000)
    parser.add_argument("--out", default=str(RESULTS / "soak.json"))
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, also in a file
    why = available()
    if why:
        print(f"Cannot run the soak: {why}", file=sys.stderr)
        return 2
    if shutil.which("nginx") is None:
        print(
            "Cannot run the soak: nginx is not installed (make soak installs it)", file=sys.stderr
        )
        return 2
    subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=True, capture_output=True)  # noqa: S607

    tmp = Path(tempfile.mkdtemp(prefix="shoumen-soak-"))
    tmp.chmod(0o755)  # nginx's workers (nobody) read the static files under it
    var = tmp / "var"
    var.mkdir(mode=0o755)
    offset = soak_clock_offset()
    cluster = LocalCluster().start()
    base_env = {
        **os.environ,
        "DATABASE_URL": cluster.primary_url("shoumen_soak"),
        "SHOUMEN_VAR_DIR": str(var),
        "SHOUMEN_DEBUG": "0",
        "SHOUMEN_SECRET_KEY": secrets.token_urlsafe(50),
        "SHOUMEN_DATA_KEY": new_key(),
        "SHOUMEN_PASS_SIGNING_KEY": new_key(),
        "SHOUMEN_AUDIT_SIGNING_KEY": new_key(),
        "SHOUMEN_SOAK_CLOCK_OFFSET": str(offset),
        "SHOUMEN_REDIS_URL": REDIS_URL,
        "SHOUMEN_CLIENT_IP_HEADER": "X-Real-IP",
        "SHOUMEN_LOG_FORMAT": "text",
        "DJANGO_SETTINGS_MODULE": "shoumen.settings",
    }
    node_env = {**base_env, "DATABASE_REPLICA_URLS": cluster.replica_url("shoumen_soak")}
    stack: Stack | None = None
    clock = None
    failures = Failures()
    report: dict = {
        "what": "soak: two web nodes behind nginx, primary + streaming replica, Redis, "
        "one task worker, one scheduler; faults on a timetable",
        "replica_router": replica_router_landed() or "not in the tree: every read on the primary",
        "nodes": {"count": 2, "gunicorn_workers": NODE_WORKERS, "threads": NODE_THREADS},
        "demo_size": DEMO_SIZE,
    }
    try:
        report["setup"] = setup_database(cluster, base_env)
        os.environ.update(base_env)
        import time_machine

        clock = time_machine.travel(time.time() + offset, tick=True)
        clock.start()
        import django

        django.setup()
        from django.utils import timezone

        report["soak_clock_start"] = timezone.localtime().isoformat(timespec="seconds")
        stack = Stack(node_env, tmp, var / "staticfiles")
        stack.start()
        world = plan_world(args, stack.nginx_port, PASSWORD, tmp)
        report["world"] = world.describe()
        static = world.static_check()
        if static != 200:
            failures.add(f"a static file through nginx answered {static}")
        seconds = args.minutes * 60
        load = Load(stack.nginx_port, world)
        # Every worker of both nodes imports and connects before the clock starts.
        load.run_open_loop("warm-up", WARM_UP_S, RATES, class_rate=0)
        faults = Faults(stack, cluster, world, seconds, failures)
        print(f"soak: {args.minutes} min on two nodes, nginx on port {stack.nginx_port}")
        load.run_open_loop("soak", seconds, RATES, class_rate=CLASS_CHECK_RATE, faults=faults)
        faults.finish()
        report["duration_s"] = round(seconds, 1)
        report["soak"] = load.report("soak")
        report["faults"] = annotate_faults(faults.events, load)
        report["soak_fault_free_first_fifth"] = load.report("soak", until=seconds * 0.2)

        report["capacity"] = capacity(stack, load, args.capacity_seconds)
        stack.nodes[1].stop()
        if args.one_node_minutes > 0:
            print(f"one node: {args.one_node_minutes} min of the open-loop mix")
            load.run_open_loop("one-node", args.one_node_minutes * 60, RATES, class_rate=0)
            report["one_node_mixed"] = load.report("one-node")
        report["rows"] = world.account(load, faults)
        for kind, counts in report["rows"].items():
            if not counts["equal"]:
                failures.add(f"{kind}: {counts}")
        for phase in load.phases():
            for record in load.failed(phase):
                failures.add(f"{phase} {record}")
        report["requests_total"] = load.count()
        report["database_at_end"] = table_sizes()
        report["retried_requests"] = load.retried_examples()
    finally:
        if stack is not None:
            stack.stop()
        cluster.stop()
        subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=False, capture_output=True)  # noqa: S607
        if (tmp / "logs").exists():  # the processes' logs outlive the run, for a look
            shutil.rmtree(LOGS, ignore_errors=True)
            shutil.copytree(tmp / "logs", LOGS)
            print(f"logs of the nodes, worker, scheduler and nginx: {LOGS}")
        shutil.rmtree(tmp, ignore_errors=True)
        if clock is not None:
            clock.stop()  # the result file says when it was written by the real clock
    return finish(report, Path(args.out), failures=failures)


if __name__ == "__main__":
    sys.exit(main())
