"""Reporting rates of the units' daily report, as DHIS2 counts them: expected =
communities × days due (today only once its deadline has passed), actual = confirmed,
on time = confirmed by the deadline; late and missing days per community; the streets'
and district's sums equal the sum of their parts; per ISO week; the actor's scope limits
the communities. Over the API as ``GET /reporting-rates?kind=unit_daily``."""

import datetime

import pytest
import time_machine

from shoumen.lib.rates import Rate
from shoumen.reports.models import DailyReport
from shoumen.reports.rates import unit_report_rates
from tests.personas import HEALTH_PERSONAS, PERSONAS

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.date(2026, 11, 23)  # ISO week 48
TODAY = datetime.date(2026, 11, 30)  # Monday of week 49


def day(n: int) -> datetime.date:
    """Day ``n`` of the period: 0 is MONDAY, 7 is TODAY."""
    return MONDAY + datetime.timedelta(days=n)


def at(on: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(on.year, on.month, on.day, hour, minute, tzinfo=SHANGHAI)


BEFORE_DEADLINE = at(TODAY, 15)
AFTER_DEADLINE = at(TODAY, 16, 1)


def sent(world, code: str, on: datetime.date, on_time: bool = True) -> None:
    DailyReport.objects.create(
        unit=world.unit(code),
        date=on,
        zero=True,
        confirmed_at=at(on, 15 if on_time else 20),
        on_time=on_time,
    )


@pytest.fixture
def reports(world):
    """C1: days 0 and 2 on time, day 1 late, today on time (15:00); C2: day 0 on time;
    C3: nothing."""
    sent(world, "C1", day(0))
    sent(world, "C1", day(1), on_time=False)
    sent(world, "C1", day(2))
    sent(world, "C1", TODAY)
    sent(world, "C2", day(0))


def rates(world, actor, code: str = "D1", now=BEFORE_DEADLINE, start=MONDAY, end=TODAY):
    with time_machine.travel(now, tick=False):
        return unit_report_rates(actor=actor, unit=world.unit(code), start=start, end=end)


def triple(rate: Rate) -> tuple[int, int, int]:
    return (rate.expected, rate.actual, rate.on_time)


def test_expected_is_communities_times_days_due(world, reports):
    found = rates(world, world.district_officer)
    # 3 communities × 7 days (today not yet due).
    assert triple(found.total) == (21, 4, 3)


def test_today_counts_only_after_its_deadline(world, reports):
    assert triple(rates(world, world.district_officer, now=AFTER_DEADLINE).total) == (24, 5, 4)
    in_minute = at(TODAY, 16, 0)
    assert rates(world, world.district_officer, now=in_minute).total.expected == 21


def test_days_to_come_expect_nothing(world, reports):
    found = rates(world, world.district_officer, end=TODAY + datetime.timedelta(days=3))
    assert found.total.expected == 21
    assert [triple(r) for d, r in found.days if d > TODAY] == [(0, 0, 0)] * 3


def test_each_community_has_its_late_and_missing_days(world, reports):
    rows = {r.unit.code: r for r in rates(world, world.district_officer).communities}
    assert list(rows) == ["C1", "C2", "C3"]
    assert triple(rows["C1"]) == (7, 3, 2)
    assert rows["C1"].late == [day(1)]
    assert rows["C1"].missing == [day(n) for n in range(3, 7)]
    assert triple(rows["C2"]) == (7, 1, 1) and rows["C2"].missing == [day(n) for n in range(1, 7)]
    assert triple(rows["C3"]) == (7, 0, 0) and len(rows["C3"].missing) == 7


def test_sums_up_the_tree_equal_the_sum_of_their_parts(world, reports):
    found = rates(world, world.district_officer, now=AFTER_DEADLINE)
    units = {u.unit.code: u for u in found.units}
    assert list(units) == ["D1", "S1", "S2"]
    rows = {r.unit.code: r for r in found.communities}
    for code, parts in (("S1", ["C1", "C2"]), ("S2", ["C3"]), ("D1", ["C1", "C2", "C3"])):
        total = Rate()
        for part in parts:
            total.add(rows[part])
        assert triple(units[code]) == triple(total)
    assert triple(units["D1"]) == triple(found.total)
    day_sum = Rate()
    for _d, rate in found.days:
        day_sum.add(rate)
    assert triple(day_sum) == triple(found.total)


def test_per_day(world, reports):
    by_day = dict(rates(world, world.district_officer).days)
    assert triple(by_day[day(0)]) == (3, 2, 2)
    assert triple(by_day[day(1)]) == (3, 1, 0)
    assert triple(by_day[day(6)]) == (3, 0, 0)
    assert triple(by_day[TODAY]) == (0, 0, 0)


def test_per_iso_week(world, reports):
    weeks = rates(world, world.district_officer, now=AFTER_DEADLINE).weeks
    assert [(w, m) for w, m, _r in weeks] == [("2026-W48", MONDAY), ("2026-W49", TODAY)]
    assert [triple(r) for _w, _m, r in weeks] == [(21, 4, 3), (3, 1, 1)]


def test_scope_limits_the_communities(world, reports):
    found = rates(world, world.street_officer)
    assert [r.unit.code for r in found.communities] == ["C1", "C2"]
    assert triple(found.total) == (14, 4, 3)
    own = rates(world, world.community_staff, code="C1")
    assert [r.unit.code for r in own.communities] == ["C1"]
    assert [u.unit.code for u in own.units] == ["C1"]


# Over the API.


def get(api, user, now=BEFORE_DEADLINE, **params):
    with time_machine.travel(now, tick=False):
        return api(user).get("/reporting-rates", **params)


PERIOD = {"kind": "unit_daily", "from": MONDAY.isoformat(), "to": TODAY.isoformat()}


def test_api_unit_daily_totals_units_communities_days_and_weeks(world, api, reports):
    response = get(api, world.district_officer, unit="D1", **PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["unit"], body["from"], body["to"]) == (
        "unit_daily",
        "D1",
        "2026-11-23",
        "2026-11-30",
    )
    assert (body["expected"], body["actual"], body["on_time"]) == (21, 4, 3)
    assert [(u["code"], u["level"], u["expected"]) for u in body["units"]] == [
        ("D1", "district", 21),
        ("S1", "street", 14),
        ("S2", "street", 7),
    ]
    assert body["schools"] == []
    c1 = body["communities"][0]
    assert (c1["code"], c1["name"], c1["expected"], c1["actual"], c1["on_time"]) == (
        "C1",
        "光华社区",
        7,
        3,
        2,
    )
    assert c1["late"] == ["2026-11-24"]
    assert c1["missing"] == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]
    assert len(body["days"]) == 8 and body["days"][0] == {
        "date": "2026-11-23",
        "expected": 3,
        "actual": 2,
        "on_time": 2,
    }
    assert [w["week"] for w in body["weeks"]] == ["2026-W48", "2026-W49"]


def test_api_unit_daily_defaults_to_the_last_seven_days(world, api, reports):
    body = get(api, world.district_officer, unit="D1", kind="unit_daily").json()
    assert (body["from"], body["to"]) == ("2026-11-24", "2026-11-30")
    assert body["expected"] == 18  # 3 communities × 6 days due


def test_api_unit_daily_street_sees_its_communities(world, api, reports):
    body = get(api, world.street_officer, unit="S1", **PERIOD).json()
    assert [c["code"] for c in body["communities"]] == ["C1", "C2"]
    assert [u["code"] for u in body["units"]] == ["S1"]


def test_api_unit_daily_period_must_be_in_order_and_not_too_long(world, api):
    backwards = {"kind": "unit_daily", "from": "2026-11-30", "to": "2026-11-01"}
    assert get(api, world.district_officer, unit="D1", **backwards).status_code == 422
    long = {"kind": "unit_daily", "from": "2025-01-01", "to": "2026-11-30"}
    assert get(api, world.district_officer, unit="D1", **long).status_code == 422


def test_api_unknown_kind_is_refused(world, api):
    response = get(api, world.district_officer, unit="D1", kind="weekly")
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]


def test_api_school_daily_is_answered_as_before(world, api):
    body = get(api, world.education_officer, unit="D1", kind="school_daily").json()
    assert body["kind"] == "school_daily"
    assert [s["code"] for s in body["schools"]] == ["SCH1", "SCH2"]
    assert body["communities"] == []


# Who reads the unit_daily rates of D1 (school_daily: tests/api/school_matrix_reports.py).
SEE_D1 = {"admin_user", "district_officer"}
NO_FIGURES = {
    *HEALTH_PERSONAS,
    "volunteer",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_api_unit_daily_persona_matrix(world, api, persona):
    expected = 200 if persona in SEE_D1 else 403 if persona in NO_FIGURES else 404
    response = get(api, getattr(world, persona), unit="D1", kind="unit_daily")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("community_staff", "C1", 200),
        ("community_staff", "C2", 404),
        ("outsider", "S1", 404),
        ("outsider", "S2", 200),
        ("admin_user", "G1", 404),
        ("admin_user", "SCH1", 404),
        ("admin_user", "NOPE", 404),
    ],
)
def test_api_unit_daily_scope_and_levels(world, api, persona, code, status):
    response = get(api, getattr(world, persona), unit=code, kind="unit_daily")
    assert response.status_code == status


def test_api_anonymous_gets_401(world, client):
    response = client.get("/api/v1/reporting-rates", {"unit": "D1", "kind": "unit_daily"})
    assert response.status_code == 401
