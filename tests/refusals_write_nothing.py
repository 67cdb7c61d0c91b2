"""Every refused write in the suite writes nothing: while a test runs, each POST, PUT,
PATCH or DELETE the test client sends is watched, and when the answer is a refusal
(400, 403, 404, 405, 409 or 422) the row counts of every table must be as before it.
The test fails at teardown, naming the request and the tables that moved.

A test whose refusal writes on purpose (an audited denial) asks for the
``refusal_may_write`` fixture and says why in its name."""

import pytest
from django.test import client as test_client

from tests.nothing_written import changed_counts, row_counts

REFUSALS = {400, 403, 404, 405, 409, 422}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def refusal_may_write():
    """Opt out of the check below, for a refusal that records itself on purpose."""


@pytest.fixture(autouse=True)
def refusals_write_nothing(request, monkeypatch):
    used = set(request.fixturenames)
    uses_db = {"db", "transactional_db"} & used or request.node.get_closest_marker("django_db")
    if not uses_db or "refusal_may_write" in used:
        yield
        return
    original = test_client.ClientHandler.__call__
    wrote = []

    def watched(self, environ):
        if environ["REQUEST_METHOD"] not in WRITES:
            return original(self, environ)
        before = row_counts()
        response = original(self, environ)
        if response.status_code in REFUSALS and (changed := changed_counts(before, row_counts())):
            wrote.append(
                (environ["REQUEST_METHOD"], environ["PATH_INFO"], response.status_code, changed)
            )
        return response

    monkeypatch.setattr(test_client.ClientHandler, "__call__", watched)
    yield
    assert not wrote, f"refused requests wrote rows (method, path, status, tables): {wrote}"
