"""The schools board: illness-absence rate by school and day, the week's cases by symptom,
completeness and timeliness; the principal's school, the district for the education bureau
and the CDC, drilled into with ?unit=; a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.schools.board import board_for
from shoumen.schools.models import DailyReport
from tests.schools.daily_helpers import at, check

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 10, 9)
THURSDAY = datetime.date(2026, 10, 8)


@pytest.fixture
def friday():
    with time_machine.travel(at(FRIDAY, 17, 0), tick=False):
        yield


@pytest.fixture
def week(world):
    zhang, li, chen = world.pupil("张小明"), world.pupil("李小红"), world.pupil("陈小军")
    check(world.class_a, THURSDAY, "morning", sick=[(zhang, ["fever", "cough"])])
    check(world.class_b, THURSDAY, "morning")
    check(world.class_a, FRIDAY, "morning", symptomatic=[(li, ["fever"])])
    check(world.school_class("K3"), FRIDAY, "morning", sick=[(chen, ["rash"])])
    DailyReport.objects.create(
        school=world.school, date=THURSDAY, confirmed_at=at(THURSDAY, 15), on_time=True
    )


def board(world, actor, code="D1"):
    return board_for(actor, world.unit(code), day=FRIDAY)


def test_district_board_rates_by_school_and_day(world, friday, week):
    summary = board(world, world.education_officer)
    rows = {row.name: row for row in summary.rows}
    # 建国门第一小学 on Thursday: 1 of 4 pupils absent sick.
    sch1 = rows["建国门第一小学"]
    assert sch1.cells[summary.days.index(THURSDAY)] == 25.0
    assert sch1.cells[summary.days.index(FRIDAY)] == 0.0  # K1 only: present with symptoms
    assert (sch1.absent, sch1.checked) == (1, 4 + 3)
    assert rows["和平中学"].cells[-1] == 100.0
    assert summary.totals[-1] == round(100 * 1 / 4, 1)
    assert [u.code for u in summary.children] == ["S1", "S2"]


def test_the_weeks_cases_by_symptom(world, friday, week):
    symptoms = {code: n for code, _label, n in board(world, world.cdc_officer).symptoms}
    assert symptoms == {"fever": 2, "cough": 1, "rash": 1}


def test_completeness_and_timeliness(world, friday, week):
    rates = board(world, world.education_officer).rates
    days = dict(rates.days)
    assert (days[THURSDAY].expected, days[THURSDAY].actual, days[THURSDAY].on_time) == (2, 1, 1)
    assert days[datetime.date(2026, 10, 5)].expected == 0  # National Day


def test_a_school_board_rates_by_class(world, friday, week):
    summary = board(world, world.principal, "SCH1")
    assert {row.name for row in summary.rows} == {"一年级1班", "一年级2班"}
    assert summary.children == []


def test_drill_into_a_street(world, friday, week):
    summary = board(world, world.education_officer, "S2")
    assert [row.name for row in summary.rows] == ["和平中学"]


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("education_officer", None, 200),
        ("cdc_officer", "S1", 200),
        ("education_officer", "SCH2", 200),
        ("principal", None, 200),
        ("principal", "SCH1", 200),
        ("principal", "D1", 404),
        ("principal", "SCH2", 404),
        ("school_doctor", None, 200),
        ("teacher", None, 404),
        ("teacher", "SCH1", 404),
        ("district_officer", None, 403),
        ("grid_worker", None, 403),
    ],
)
def test_who_sees_which_board(world, login, friday, persona, unit, status):
    url = reverse("schools:board")
    if unit:
        url += f"?unit={world.unit(unit).pk}"
    assert login(getattr(world, persona)).get(url).status_code == status


def test_principal_board_defaults_to_their_school(world, login, friday, week):
    html = login(world.principal).get(reverse("schools:board")).content.decode()
    assert "建国门第一小学" in html and "一年级2班" in html
    assert 'data-testid="board-today"' in html


def test_board_page_carries_its_chart_data_and_tables(world, login, friday, week):
    html = login(world.education_officer).get(reverse("schools:board")).content.decode()
    assert 'id="schools-board-data" type="application/json"' in html
    assert html.count('data-testid="absence-row"') == 2
    assert html.count('data-testid="symptom-row"') == 3


def test_board_reads_a_fixed_number_of_queries(world, friday, week, django_assert_max_num_queries):
    actor, unit = world.education_officer, world.unit("D1")
    with django_assert_max_num_queries(12):
        board_for(actor, unit, day=FRIDAY)


def test_rates_page_lists_late_and_missing_days(world, login, friday, week):
    DailyReport.objects.create(
        school=world.other_school, date=THURSDAY, confirmed_at=at(FRIDAY, 9), on_time=False
    )
    url = reverse("schools:rates") + "?from=2026-10-08&to=2026-10-09"
    html = login(world.education_officer).get(url).content.decode()
    assert html.count('data-testid="rates-school"') == 2
    late = html.split('data-testid="rates-late"')
    assert "10-08" in late[2].split("</td>")[0]  # 和平中学 late on Thursday
    missing = html.split('data-testid="rates-missing"')
    assert "10-09" in missing[1].split("</td>")[0]
