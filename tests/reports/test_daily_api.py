"""The units' daily report over the API: its shape, confirm (201 then 200), validation with
nothing written, and scoping (a community its own, a street its communities, an outsider
404, those without the residents' figures 403)."""

import datetime

import pytest
import time_machine
from django.conf import settings

from shoumen.places.models import OrgUnit
from shoumen.reports.daily import report_metrics
from shoumen.reports.models import DailyFigure, DailyReport
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
KEYS = {
    "id",
    "unit",
    "name",
    "level",
    "date",
    "deadline",
    "confirmed_at",
    "confirmed_by",
    "on_time",
    "zero",
    "remarks",
    "narrative",
    "figures",
    "sub_units",
}


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def morning():
    """10:00 on DAY: before the deadline (16:00)."""
    with time_machine.travel(at(10), tick=False):
        yield


@pytest.fixture
def busy_c1(world):
    """C1 on the day before DAY: 3 new observations (notable), 2 households visited."""
    day = DAY - datetime.timedelta(days=1)
    for metric, value in (("observation.started", 3), ("screening.households_visited", 2)):
        DailyFigure.objects.create(unit=world.community, date=day, metric=metric, value=value)


def english(api, user):
    """A client of ``user`` reading English answers."""
    client = api(user)
    client.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def report(api, user, code: str, **params):
    return english(api, user).get("/daily-reports", unit=code, **params)


def confirm(api, user, unit: OrgUnit, body: dict | None = None):
    return english(api, user).post(f"/daily-reports/{unit.pk}/confirm", body or {})


def test_community_report_shape(world, api, morning, busy_c1):
    response = report(api, world.community_staff, "C1", date="2026-11-29")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert (body["id"], body["unit"], body["name"], body["level"]) == (
        world.community.pk,
        "C1",
        "光华社区",
        "community",
    )
    assert body["date"] == "2026-11-29"
    assert datetime.datetime.fromisoformat(body["deadline"]) == at(
        16, day=datetime.date(2026, 11, 29)
    )
    assert (body["confirmed_at"], body["confirmed_by"], body["on_time"]) == (None, None, None)
    assert body["zero"] is False and body["remarks"] == "" and body["sub_units"] == []
    assert "3 new persons under observation" in body["narrative"]


def test_figures_list_every_metric_in_order_with_zeros(world, api, morning, busy_c1):
    body = report(api, world.community_staff, "C1", date="2026-11-29").json()
    names = [m.name for m in report_metrics(world.community_staff, world.community)]
    assert [f["metric"] for f in body["figures"]] == names
    values = {f["metric"]: f["value"] for f in body["figures"]}
    assert values["observation.started"] == 3 and values["alerts.opened"] == 0
    started = next(f for f in body["figures"] if f["metric"] == "observation.started")
    assert (started["label"], started["unit"]) == ("Observations started", "persons")


def test_date_defaults_to_today(world, api, morning):
    body = report(api, world.community_staff, "C1").json()
    assert body["date"] == DAY.isoformat()


def test_zero_report_says_so(world, api, morning):
    body = report(api, world.community_staff, "C1").json()
    assert body["zero"] is True
    assert body["narrative"].startswith("Nothing new to report today")


def test_a_day_to_come_is_refused_with_a_message(world, api, morning):
    response = report(api, world.community_staff, "C1", date="2026-12-01")
    assert response.status_code == 422
    assert response.json()["errors"]["date"] == ["There is no daily report of a day still to come."]


def test_a_bad_date_is_refused(world, api, morning):
    response = report(api, world.community_staff, "C1", date="2026-13-01")
    assert response.status_code == 422
    assert "date" in response.json()["errors"]


def test_street_report_lists_its_communities(world, api, morning):
    confirm(api, world.community_staff, world.community)
    body = report(api, world.street_officer, "S1").json()
    assert (body["level"], body["id"]) == ("street", world.street.pk)
    rows = {row["unit"]: row for row in body["sub_units"]}
    assert list(rows) == ["C1", "C2"]
    assert rows["C1"]["name"] == "光华社区"
    assert rows["C1"]["on_time"] is True and rows["C1"]["zero"] is True
    assert rows["C1"]["confirmed_at"] is not None
    assert rows["C2"] == {
        "unit": "C2",
        "name": "永安社区",
        "confirmed_at": None,
        "on_time": None,
        "zero": None,
    }


def test_district_report_lists_every_community(world, api, morning):
    body = report(api, world.district_officer, "D1").json()
    assert [row["unit"] for row in body["sub_units"]] == ["C1", "C2", "C3"]


def test_confirm_answers_201_then_200_with_the_stored_report(world, api, morning):
    first = confirm(api, world.community_staff, world.community, {"remarks": "一切正常"})
    assert first.status_code == 201
    body = first.json()
    assert set(body) == KEYS
    assert body["confirmed_by"] == "community_staff" and body["on_time"] is True
    assert body["remarks"] == "一切正常" and body["date"] == DAY.isoformat()
    again = confirm(api, world.community_staff, world.community, {"remarks": "改了"})
    assert again.status_code == 200
    assert again.json() == body
    assert DailyReport.objects.filter(unit=world.community, date=DAY).count() == 1


def test_confirm_of_a_past_day_after_its_deadline_is_late(world, api, morning):
    response = confirm(api, world.community_staff, world.community, {"date": "2026-11-29"})
    assert response.status_code == 201
    assert response.json()["on_time"] is False
    assert report(api, world.community_staff, "C1", date="2026-11-29").json()["on_time"] is False


def test_confirmed_by_is_the_display_name_only(world, api, morning):
    staff = world.community_staff
    staff.phone, staff.display_name = "13900001111", "李主任"
    staff.save()
    response = confirm(api, staff, world.community)
    assert response.json()["confirmed_by"] == "李主任"
    assert "13900001111" not in response.content.decode()


def test_confirm_of_a_day_to_come_writes_nothing(world, api, morning):
    client = english(api, world.community_staff)
    with nothing_written():
        response = client.post(
            f"/daily-reports/{world.community.pk}/confirm", {"date": "2026-12-01"}
        )
    assert response.status_code == 422
    assert "date" in response.json()["errors"]


def test_overlong_remarks_are_refused_and_write_nothing(world, api, morning):
    client = english(api, world.community_staff)
    with nothing_written():
        response = client.post(
            f"/daily-reports/{world.community.pk}/confirm", {"remarks": "长" * 501}
        )
    assert response.status_code == 422
    assert "remarks" in response.json()["errors"]


def test_a_street_confirms_its_own_report(world, api, morning):
    confirm(api, world.community_staff, world.community)
    response = confirm(api, world.street_officer, world.street)
    assert response.status_code == 201
    assert response.json()["unit"] == "S1"
    assert DailyReport.objects.filter(unit=world.street, date=DAY).exists()


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("community_staff", "C1", 200),
        ("community_staff", "C2", 404),
        ("community_staff", "S1", 404),
        ("street_officer", "C1", 200),
        ("street_officer", "C2", 200),
        ("street_officer", "C3", 404),
        ("outsider", "C1", 404),
        ("outsider", "C3", 200),
        ("district_officer", "C3", 200),
        ("grid_worker", "C1", 404),
        ("volunteer", "C1", 403),
        ("school_doctor", "C1", 403),
        ("education_officer", "D1", 403),
        ("community_staff", "G1", 404),
        ("admin_user", "SCH1", 404),
        ("admin_user", "NOPE", 404),
    ],
)
def test_who_reads_which_report(world, api, morning, persona, code, status):
    response = report(api, getattr(world, persona), code)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("community_staff", "C2", 404),
        ("outsider", "C1", 404),
        ("community_staff", "G1", 404),
        ("admin_user", "SCH1", 404),
        ("grid_worker", "C1", 403),
        ("volunteer", "C1", 403),
        ("school_doctor", "C1", 403),
    ],
)
def test_confirm_refusals_write_nothing(world, api, morning, persona, code, status):
    client = api(getattr(world, persona))
    with nothing_written():
        response = client.post(f"/daily-reports/{world.unit(code).pk}/confirm", {})
    assert response.status_code == status


def test_confirm_of_an_unknown_unit_is_not_found(world, api, morning):
    client = api(world.admin_user)
    response = client.post("/daily-reports/999999/confirm", {})
    assert response.status_code == 404


def test_anonymous_gets_401(world, client, morning):
    assert client.get("/api/v1/daily-reports", {"unit": "C1"}).status_code == 401
    response = client.post(f"/api/v1/daily-reports/{world.community.pk}/confirm", {})
    assert response.status_code in (401, 403)
