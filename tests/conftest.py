import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from shoumen.accounts.models import User
from tests.personas import World, build_world
from tests.refusals_write_nothing import refusal_may_write, refusals_write_nothing  # noqa: F401

# The audit heads of the tests' throwaway databases never go to var/ (where `shoumen audit
# verify` would hold the real database against them): processes the tests start write here.
os.environ["SHOUMEN_AUDIT_HEADS_FILE"] = str(
    Path(tempfile.mkdtemp(prefix="shoumen-test-")) / "audit-heads.log"
)


@pytest.fixture(autouse=True)
def heads_file(settings, tmp_path):
    """Heads sealed by a test go to a file of its own."""
    path = tmp_path / "audit-heads.log"
    settings.SHOUMEN_AUDIT_HEADS_FILE = path
    return path


def pytest_configure(config):
    # Hashing persona passwords with a slow hasher adds nothing to what tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the persona world once; every test runs inside a rollback on top of it."""
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in English (its cookie) leaves
    English active in the worker's thread otherwise."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no rate-limit counts left by another test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    # A transactional test (concurrency, a live server, a backup) ends by emptying the
    # database: the tests after it build the persona world again.
    if not User.objects.filter(username="admin_user").exists():
        build_world()
    return World()


@pytest.fixture
def login(client):
    """Log the test client in as a persona: ``login(world.grid_worker)``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
