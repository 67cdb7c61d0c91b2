"""Test-only metrics over the persona world's registry and schools, registered for the
test that asks for them (and gone after it)."""

import datetime

import pytest
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.services import api_token_create
from shoumen.lib import metrics as registry
from shoumen.lib.metrics import Metric
from shoumen.places.models import Level
from shoumen.registry.models import Person
from shoumen.schools.models import Pupil
from tests.api.conftest import ApiClient

BORN = "test.born"
PUPILS = "test.pupils"
TEST_METRICS = [BORN, PUPILS]


def _born(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Residents of each grid born by ``day``: a figure that differs from day to day."""
    rows = (
        Person.objects.filter(grid_id__in=unit_ids, birth_date__lte=day)
        .values("grid_id")
        .annotate(n=Count("id"))
    )
    return {r["grid_id"]: r["n"] for r in rows}


def _pupils(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    rows = (
        Pupil.objects.filter(school__unit_id__in=unit_ids, active=True)
        .values("school__unit_id")
        .annotate(n=Count("id"))
    )
    return {r["school__unit_id"]: r["n"] for r in rows}


@pytest.fixture
def test_metrics(monkeypatch):
    """The registry with the two test metrics added to whatever the apps registered."""
    added = {
        BORN: Metric(BORN, _("Grid"), "persons", _born, level=Level.GRID, order=1),
        PUPILS: Metric(PUPILS, _("School"), "pupils", _pupils, level=Level.SCHOOL, order=2),
    }
    monkeypatch.setattr(registry, "_metrics", {**registry._metrics, **added})
    return added


@pytest.fixture
def api(world):
    """``api(world.street_officer)``: a JSON client with a fresh token of that user."""

    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api
