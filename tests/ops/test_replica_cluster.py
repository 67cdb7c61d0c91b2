"""Reads from a real streaming replica: a PostgreSQL primary and replica of the tests' own
(tests/pgcluster.py), the app in a real gunicorn process told both, and HTTP.

Which database served a read is made visible by pausing the replica's replay: a household
created then is on the primary only, so a read that misses it came from the replica. An
unpinned reader misses it; the session or token that wrote it finds it until its pin
ends, then misses it again; once the replica lags past the limit, every reader finds it
(the primary); with the replica stopped, pages still answer, from the primary, and once
it is back it is read from again.

The primary's database is a copy of the migrated test database (pg_dump, a second or
two, where `shoumen migrate` on the new cluster takes half a minute)."""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import connection

from tests import pgcluster
from tests.gunicorn_node import GunicornNode
from tests.pgcluster import LocalCluster

PIN_SECONDS = 2
MAX_LAG_SECONDS = 15
CHECK_SECONDS = 2  # shoumen.lib.replicas.CHECK_SECONDS: how stale a process's view may be
GRID = "G1"  # the grid worker's grid (tests.personas)
DATABASE = "shoumen"

pytestmark = [
    # The test database is copied (committed rows only): the tests never write to it.
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a streaming replica needs a PostgreSQL primary",
    ),
]

# Run against the cluster's primary: the grid worker (the persona world when the copied
# database has none), two browser sessions and three API tokens of theirs.
SETUP = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
from django.utils import timezone
from shoumen.accounts.models import ApiToken, User
from shoumen.accounts.services import api_token_create
if not User.objects.filter(username="grid_worker").exists():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from tests.personas import build_world
    build_world()
user = User.objects.get(username="grid_worker")
sessions = []
for _ in range(2):
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
tokens = [api_token_create(actor=None, user=user, name="replicas")[1] for _ in range(3)]
# Used just now: their first requests write no "last used" time (a write would pin them).
ApiToken.objects.filter(user=user).update(last_used_at=timezone.now())
# The alert rules' row, which the first home page would write otherwise.
from shoumen.alerts.rules import current_rules
current_rules()
print(json.dumps({"sessions": sessions, "tokens": tokens}))
"""


@dataclass
class Caller:
    """A browser (its session and the cookies the server sets) or an API token."""

    session: str = ""
    token: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        csrf = "c" * 32
        jar = {settings.SESSION_COOKIE_NAME: self.session, "csrftoken": csrf, **self.cookies}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "X-CSRFToken": csrf}


class Node(GunicornNode):
    """The app in gunicorn, reading from the replica."""

    def __init__(self, cluster: LocalCluster) -> None:
        super().__init__(
            {
                "DATABASE_URL": cluster.primary_url(DATABASE),
                "DATABASE_REPLICA_URLS": cluster.replica_url(DATABASE),
                "SHOUMEN_REPLICA_PIN_SECONDS": str(PIN_SECONDS),
                "SHOUMEN_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
            },
            cluster.root / "node.log",
            drop=("SHOUMEN_REPLICA", "SHOUMEN_REDIS_URL"),
        )
        self.wait()

    def request(self, caller: Caller, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = caller.headers()
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url(path), data=data, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, text, set_cookies = (
                    response.status,
                    response.read().decode(),
                    response.headers.get_all("Set-Cookie") or [],
                )
        except urllib.error.HTTPError as error:
            status, text, set_cookies = error.code, error.read().decode(), []
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                caller.cookies[name] = morsel.value
        return status, text


@dataclass
class App:
    cluster: LocalCluster
    node: Node
    writer: Caller  # a browser
    reader: Caller  # another browser of the same user
    token_writer: Caller
    token_reader: Caller
    prober: Caller  # writes the rows that show where a read came from
    heartbeat_at: float = 0.0

    def create(self, caller: Caller) -> str:
        door = "r" + secrets.token_hex(4)
        status, text = self.node.request(
            caller, "/api/v1/households", {"grid": GRID, "address": "1 Road", "door_number": door}
        )
        assert status == 201, text
        return door

    def found(self, caller: Caller, door: str) -> int:
        status, text = self.node.request(caller, f"/api/v1/households?grid={GRID}&q={door}")
        assert status == 200, text
        return json.loads(text)["count"]

    def state(self) -> str:
        """What the node says of its replica, and its log, for failure messages."""
        try:
            url = self.node.url("/readyz")
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                ready = response.read().decode()
        except urllib.error.HTTPError as error:
            ready = error.read().decode()
        return f"{ready}\n{self.node.log.read_text()[-3000:]}"

    def in_step(self) -> None:
        """The replica running, replaying, and caught up with the primary."""
        if not (self.cluster.replica_dir / "postmaster.pid").exists():
            self.cluster.start_replica()
        self.cluster.resume_replay()
        self.cluster.wait_for_replica()

    def behind(self) -> str:
        """Pause the replay just after a fresh commit (the lag is counted from it), and
        return once the node reads from the replica: a reader that has not written misses a
        household that is on the primary only."""
        self.in_step()
        self.cluster.psql(
            self.cluster.primary_port, "INSERT INTO replica_heartbeat VALUES (now())", DATABASE
        )
        self.cluster.wait_for_replica()
        self.heartbeat_at = time.monotonic()
        self.cluster.pause_replay()
        door = self.create(self.prober)
        deadline = time.monotonic() + CHECK_SECONDS + 3
        while self.found(self.reader, door) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert self.found(self.reader, door) == 0, f"the replica is not read: {self.state()}"
        return door

    def wait_for_pin_to_end(self, since: float) -> None:
        time.sleep(max(0.0, since + PIN_SECONDS + 0.3 - time.monotonic()))


def _copy_test_database(cluster: LocalCluster) -> None:
    """The migrated test database, copied into the cluster's primary."""
    bindir = pgcluster.bindir()
    assert bindir is not None
    db = connection.settings_dict
    dump = subprocess.run(
        [str(bindir / "pg_dump"), "-Fc", "-h", db["HOST"] or "127.0.0.1",
         "-p", str(db["PORT"] or 5432), "-U", db["USER"], "-d", db["NAME"]],
        capture_output=True, check=True, timeout=120,
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
    )  # fmt: skip
    subprocess.run(
        [str(bindir / "pg_restore"), "--no-owner", "-h", "127.0.0.1",
         "-p", str(cluster.primary_port), "-U", pgcluster.SYSTEM_USER, "-d", DATABASE],
        input=dump.stdout, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    cluster.psql(cluster.primary_port, "CREATE TABLE replica_heartbeat (at timestamptz)", DATABASE)


@pytest.fixture(scope="module")
def app(django_db_setup):
    reason = pgcluster.available()
    if reason:
        pytest.skip(reason)
    with LocalCluster() as cluster:
        cluster.create_database(DATABASE)
        _copy_test_database(cluster)
        env = dict(
            os.environ, DATABASE_URL=cluster.primary_url(DATABASE), PYTHONPATH=settings.BASE_DIR
        )
        env.pop("DATABASE_REPLICA_URLS", None)
        made = subprocess.run(
            [sys.executable, "-c", SETUP],
            env={**env, "DJANGO_SETTINGS_MODULE": "shoumen.settings"},
            cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr[-3000:]
        callers = json.loads(made.stdout.strip().splitlines()[-1])
        cluster.wait_for_replica()
        node = Node(cluster)
        try:
            yield App(
                cluster=cluster,
                node=node,
                writer=Caller(session=callers["sessions"][0]),
                reader=Caller(session=callers["sessions"][1]),
                token_writer=Caller(token=callers["tokens"][0]),
                token_reader=Caller(token=callers["tokens"][1]),
                prober=Caller(token=callers["tokens"][2]),
            )
        finally:
            node.stop()


@pytest.fixture
def replica(app):
    """Each test starts and ends with the replica running and in step."""
    app.in_step()
    yield app
    app.in_step()


def test_a_session_reads_its_own_write_from_the_primary_until_its_pin_ends(replica):
    replica.behind()
    door = replica.create(replica.writer)
    wrote_at = time.monotonic()
    assert replica.found(replica.writer, door) == 1, "the writer reads the primary"
    assert replica.found(replica.reader, door) == 0, "another session reads the replica"
    status, page = replica.node.request(replica.reader, "/")
    assert status == 200, page[-2000:]
    assert replica.found(replica.reader, door) == 0, "a page that only reads pins nobody"
    replica.wait_for_pin_to_end(wrote_at)
    assert time.monotonic() - replica.heartbeat_at < MAX_LAG_SECONDS, "the test was too slow"
    assert replica.found(replica.writer, door) == 0, "after its pin, the replica again"


def test_an_api_token_reads_its_own_write_from_the_primary_until_its_pin_ends(replica):
    replica.behind()
    door = replica.create(replica.token_writer)
    wrote_at = time.monotonic()
    assert replica.found(replica.token_writer, door) == 1, "the writer reads the primary"
    assert replica.found(replica.token_reader, door) == 0, "another token reads the replica"
    replica.wait_for_pin_to_end(wrote_at)
    assert time.monotonic() - replica.heartbeat_at < MAX_LAG_SECONDS, "the test was too slow"
    assert replica.found(replica.token_writer, door) == 0, "after its pin, the replica again"


def test_reads_go_to_the_primary_once_the_replica_lags_past_the_limit(replica):
    door = replica.behind()
    while replica.found(replica.reader, door) == 0:
        lag = time.monotonic() - replica.heartbeat_at
        assert lag < MAX_LAG_SECONDS + CHECK_SECONDS + 5, f"still on the replica: {replica.state()}"
        time.sleep(0.2)
    lag = time.monotonic() - replica.heartbeat_at
    # The server counts from the heartbeat's commit, a little before heartbeat_at.
    assert lag >= MAX_LAG_SECONDS - 3, f"left the replica at a lag of {lag:.1f} s"
    replica.in_step()
    assert replica.found(replica.reader, door) == 1


def test_pages_answer_from_the_primary_while_the_replica_is_stopped_and_it_is_used_again_after(
    replica,
):
    replica.behind()  # the replica is read from...
    replica.in_step()  # ...and in step
    replica.cluster.stop_replica()
    for _ in range(3):
        status, page = replica.node.request(replica.reader, "/")
        assert status == 200, page[-2000:]
    door = replica.create(replica.prober)
    assert replica.found(replica.reader, door) == 1, "read from the primary"
    log = replica.node.log.read_text()
    # Whichever saw it first: a read that failed on it, answered again, or the check.
    assert "replica1 failed a read" in log or "replica1 skipped: not answering" in log, log
    replica.cluster.start_replica()
    replica.behind()  # asserts that the replica is read from again
