"""The daily reports and reporting rates over the API."""

import datetime

import pytest
import time_machine

from shoumen.accounts.services import api_token_create
from shoumen.schools.daily_services import ERR_CLASSES_MISSING
from shoumen.schools.models import DailyReport, Session
from tests.api.conftest import ApiClient
from tests.schools.daily_helpers import all_in, at

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 10, 9)


@pytest.fixture
def api(world):
    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api


@pytest.fixture
def friday():
    with time_machine.travel(at(FRIDAY, 15, 30), tick=False):
        yield


def test_confirm_answers_201_then_200(world, api, friday):
    all_in(world.school, FRIDAY)
    client = api(world.school_doctor)
    first = client.post(f"/school-reports/{world.school.pk}/confirm", {"date": "2026-10-09"})
    assert first.status_code == 201
    body = first.json()
    assert (body["school"], body["confirmed"], body["on_time"], body["nothing_found"]) == (
        world.school.pk,
        True,
        True,
        True,
    )
    assert body["figures"]["enrolled"] == 4
    again = client.post(f"/school-reports/{world.school.pk}/confirm", {})
    assert again.status_code == 200
    assert again.json()["confirmed_at"] == body["confirmed_at"]
    assert DailyReport.objects.count() == 1


def test_confirm_refused_while_a_class_is_missing(world, api, friday):
    all_in(world.school, FRIDAY, skip={("K1", "noon")})
    response = api(world.school_doctor).post(f"/school-reports/{world.school.pk}/confirm", {})
    assert response.status_code == 422
    expected = str(ERR_CLASSES_MISSING % {"missing": f"一年级1班 ({Session.NOON.label})"})
    assert response.json()["errors"]["__all__"] == [expected]


def test_confirm_of_another_school_is_not_found(world, api, friday):
    all_in(world.other_school, FRIDAY)
    response = api(world.school_doctor).post(f"/school-reports/{world.other_school.pk}/confirm", {})
    assert response.status_code == 404


def test_list_of_the_day_per_school_in_scope(world, api, friday):
    all_in(world.school, FRIDAY)
    api(world.school_doctor).post(f"/school-reports/{world.school.pk}/confirm", {})
    rows = api(world.cdc_officer).get("/school-reports", date="2026-10-09").json()
    by_school = {row["school_name"]: row for row in rows}
    assert by_school["建国门第一小学"]["confirmed"] is True
    assert by_school["建国门第一小学"]["on_time"] is True
    assert by_school["和平中学"]["confirmed"] is False
    assert by_school["和平中学"]["confirmed_at"] is None
    assert by_school["和平中学"]["school_day"] is True
    mine = api(world.principal).get("/school-reports", date="2026-10-09").json()
    assert [row["school_name"] for row in mine] == ["建国门第一小学"]


def test_list_on_a_holiday_says_no_school_day(world, api, friday):
    rows = api(world.cdc_officer).get("/school-reports", date="2026-10-02").json()
    assert {row["school_day"] for row in rows} == {False}


def test_reporting_rates_per_school_and_up_the_tree(world, api, friday):
    all_in(world.school, FRIDAY)
    api(world.school_doctor).post(f"/school-reports/{world.school.pk}/confirm", {})
    response = api(world.education_officer).get(
        "/reporting-rates",
        kind="school_daily",
        unit="D1",
        **{"from": "2026-09-28", "to": "2026-10-11"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-09-28", "2026-10-11")
    assert (body["expected"], body["actual"], body["on_time"]) == (10, 1, 1)
    units = {u["code"]: u for u in body["units"]}
    assert (units["S1"]["expected"], units["S1"]["actual"]) == (5, 1)
    schools = {s["code"]: s for s in body["schools"]}
    assert "2026-10-08" in schools["SCH1"]["missing"]
    assert len(body["weeks"]) == 2


def test_reporting_rates_outside_scope_is_not_found(world, api, friday):
    response = api(world.principal).get("/reporting-rates", unit="D1")
    assert response.status_code == 404


def test_reporting_rates_of_an_unknown_kind(world, api, friday):
    response = api(world.cdc_officer).get("/reporting-rates", unit="D1", kind="weekly")
    assert response.status_code == 422
