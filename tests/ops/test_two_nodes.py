"""Two app nodes share what must be shared: a session opened on one works on the other,
and failed logins from one address are counted across both (in Redis), so spreading
them over the nodes does not dodge the limit. Each node is a real gunicorn process on
the PostgreSQL test database; a control pair without Redis shows the limit would be
dodged, so the shared pair's result is the cache's doing."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.gunicorn_node import GunicornNode
from tests.personas import PASSWORD, World
from tests.test_task_queue import committed_world, database_url  # noqa: F401

REDIS_URL = "redis://127.0.0.1:6379/6"
FAILURE_LIMIT = 4
CLIENT = "203.0.113.9"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the app nodes are other processes: they need a database they can open",
    ),
]


def _node(tmp_path, number: int, *, redis_url: str | None) -> GunicornNode:
    """One node on the test database; with ``redis_url``, its cache is that Redis."""
    env = {
        "DATABASE_URL": database_url(),
        "SHOUMEN_CLIENT_IP_HEADER": "X-Real-IP",
        "SHOUMEN_LOGIN_ADDRESS_FAILURE_LIMIT": str(FAILURE_LIMIT),
    }
    if redis_url:
        env["SHOUMEN_REDIS_URL"] = redis_url
    return GunicornNode(env, tmp_path / f"node{number}.log", drop=("SHOUMEN_REDIS_URL",))


class Browser:
    """One client with its cookies, whichever node it talks to (cookies ignore ports)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects()
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"X-Real-IP": CLIENT})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, node: GunicornNode, username: str, password: str) -> int:
        _, page = self.open(node.url("/login/"))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the login page carries a CSRF token"
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        status, _ = self.open(node.url("/login/"), form)
        return status


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def nodes(request, committed_world, tmp_path):  # noqa: F811
    shared = request.param
    if shared:
        if not _redis_answers():
            pytest.skip(f"no Redis answering at {REDIS_URL}")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    pair = [_node(tmp_path, n, redis_url=REDIS_URL if shared else None) for n in (1, 2)]
    try:
        yield [node.wait() for node in pair]
    finally:
        for node in pair:
            node.stop()


def _spray(nodes: list[GunicornNode]) -> list[int]:
    """Failed logins for different usernames from one address, alternating nodes, then
    one more on the first node: its status."""
    statuses = []
    for attempt in range(FAILURE_LIMIT + 1):
        browser = Browser()
        statuses.append(browser.log_in(nodes[attempt % 2], f"nobody{attempt}", "wrong"))
    return statuses


@pytest.mark.parametrize("nodes", [True], indirect=True, ids=["redis"])
def test_two_nodes_share_sessions_and_count_failed_logins_together_in_redis(nodes):
    # A session opened on one node works on the other.
    user = World().grid_worker
    # The tests hash with MD5 for speed; the nodes know only the production hashers.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    browser = Browser()
    assert browser.log_in(nodes[0], user.username, PASSWORD) == 302
    status, page = browser.open(nodes[1].url("/"))
    assert status == 200 and 'role="search"' in page
    # Failed logins spread over both nodes reach the one limit.
    statuses = _spray(nodes)
    assert statuses[:FAILURE_LIMIT] == [200] * FAILURE_LIMIT  # the form again, with its error
    assert statuses[FAILURE_LIMIT] == 429


@pytest.mark.parametrize("nodes", [False], indirect=True, ids=["per-process-cache"])
def test_without_a_shared_cache_each_node_counts_alone(nodes):
    assert _spray(nodes)[FAILURE_LIMIT] == 200
