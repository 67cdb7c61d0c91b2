"""GET /api/v1/health-centre/indicators: the unit's numerators, denominators and rates for
a year; 404 for a unit out of reach, 403 without the right, 422 for a year not begun."""

import pytest
import time_machine

from shoumen.accounts.services import api_token_create
from tests.api.health_matrix_indicators import OPERATIONS, QUERIES

URL = "/api/v1/health-centre/indicators"
NOW = "2026-09-01 10:00 +0800"


def _get(client, user, query):
    _token, raw = api_token_create(actor=None, user=user)
    return client.get(URL + query, headers={"Authorization": f"Bearer {raw}"})


def test_the_indicators_of_a_unit_and_year(built, client):
    with time_machine.travel(NOW, tick=False):
        response = _get(client, built.family_doctor, "?unit=C1&year=2026")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == "C1"
    assert body["year"] == 2026
    assert body["as_of"] == "2026-09-01"
    assert body["contract_rate"] == {"numerator": 1, "denominator": 6, "rate": 16.7}
    assert body["standard_management"]["hypertension"] == {
        "numerator": 1,
        "denominator": 2,
        "rate": 50.0,
    }
    assert body["control"]["diabetes"]["rate"] == 100.0
    assert body["elderly_check_coverage"]["denominator"] == 2
    assert body["referral_follow_up"] == {"numerator": 1, "denominator": 2, "rate": 50.0}


def test_a_unit_by_id_and_the_year_by_default(built, client):
    with time_machine.travel(NOW, tick=False):
        response = _get(client, built.cdc_officer, f"?unit={built.street.pk}")
    assert response.status_code == 200
    assert (response.json()["unit"], response.json()["year"]) == ("S1", 2026)


@pytest.mark.parametrize(
    ("persona", "query", "status"),
    [
        ("family_doctor", "?unit=S1", 404),
        ("outsider", "?unit=C1", 404),
        ("street_officer", "?unit=G1", 404),
        ("grid_worker", "?unit=C1", 403),
        ("education_officer", "?unit=D1", 403),
        ("family_doctor", "?unit=C1&year=2027", 422),
        ("family_doctor", "?unit=C1&year=1999", 422),
        ("family_doctor", "", 422),
    ],
)
def test_refusals(built, client, persona, query, status):
    with time_machine.travel(NOW, tick=False):
        assert _get(client, getattr(built, persona), query).status_code == status


@pytest.mark.parametrize("persona", sorted(next(iter(OPERATIONS.values()))[1]))
def test_the_matrix_part(world, client, persona):
    (key, (_body, expected)), query = next(iter(OPERATIONS.items())), QUERIES[("GET", URL[7:])]
    if persona == "anonymous":
        response = client.get(URL + query(world))
    else:
        response = _get(client, getattr(world, persona), query(world))
    assert response.status_code == expected[persona], key
