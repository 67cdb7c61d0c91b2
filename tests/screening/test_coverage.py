"""Coverage figures against hand counts, the page's query count pinned, and the
screening ledger as .xlsx (masked by default, full names with a reason)."""

import datetime
import io
import uuid

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.registry.household_services import household_create
from shoumen.screening.models import Outcome, VisitTask
from shoumen.screening.services import round_create, visit_record

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def street_round(world):
    """Street S1: grid A has the world's household plus three more, grid B one, grid C
    (community C2) two. Visits on two days."""
    admin = world.admin_user
    for door in ("401", "402", "403"):
        household_create(
            actor=admin, grid=world.grid_a, building=world.building_a, unit="3", door_number=door
        )
    g3 = world.unit("G3")
    for n in ("1", "2"):
        household_create(actor=admin, grid=g3, address=f"永安路{n}号")
    round_ = round_create(
        actor=world.street_officer,
        scope=world.street,
        name="街道走访",
        starts_on=TODAY,
        ends_on=TODAY,
    )
    tasks_a = list(VisitTask.objects.filter(round=round_, grid=world.grid_a).order_by("pk"))
    tasks_b = list(VisitTask.objects.filter(round=round_, grid=world.grid_b))
    yesterday = NOW - datetime.timedelta(days=1)

    def rec(actor, task, outcome, answers=None, at=NOW):
        visit_record(
            actor=actor,
            task=task,
            client_uuid=uuid.uuid4(),
            outcome=outcome,
            method="in_person",
            answers=answers or {},
            visited_at=at,
        )

    worker = world.grid_worker
    rec(worker, tasks_a[0], Outcome.VISITED, {"risk_travel": True, "symptoms": True}, yesterday)
    rec(worker, tasks_a[1], Outcome.NOBODY_HOME, at=yesterday)
    rec(worker, tasks_a[2], Outcome.REFUSED)
    rec(worker, tasks_a[3], Outcome.VISITED, {"vulnerable": ["elderly_alone"]})
    rec(world.neighbour_worker, tasks_b[0], Outcome.MOVED_AWAY)
    return round_


def _by_name(rows):
    return {r["name"]: r for r in rows}


def test_coverage_matches_hand_counts(world, login, street_round):
    client = login(world.street_officer)
    url = reverse("screening:coverage", args=[street_round.pk])
    page = client.get(url)
    assert page.status_code == 200
    total = page.context["total"]
    # 4 + 1 + 2 households; 2 visited, 1 revisit, 1 refused, 1 moved away, 2 still due.
    assert {k: total[k] for k in ("households", "visited", "due", "revisit", "refused")} == {
        "households": 7,
        "visited": 2,
        "due": 2,
        "revisit": 1,
        "refused": 1,
    }
    assert (total["moved_away"], total["returnees"], total["symptomatic"], total["vulnerable"]) == (
        1,
        1,
        1,
        1,
    )
    units = _by_name(page.context["units"])
    assert set(units) == {"建国门街道", "光华社区", "永安社区"}
    assert (units["光华社区"]["households"], units["永安社区"]["households"]) == (5, 2)
    assert (units["光华社区"]["visited"], units["光华社区"]["refused"]) == (2, 1)
    assert units["建国门街道"]["households"] == 7
    days = {d["day"]: d for d in page.context["days"]}
    assert days[TODAY]["visits"] == 3
    assert (
        days[TODAY - datetime.timedelta(days=1)]["visited"],
        days[TODAY - datetime.timedelta(days=1)]["nobody_home"],
    ) == (1, 1)

    # A community opened: its grids and its workers.
    c1 = client.get(url, {"unit": world.unit("C1").pk})
    grids = _by_name(c1.context["grids"])
    assert set(grids) == {"光华第一网格", "光华第二网格"}
    assert (grids["光华第一网格"]["households"], grids["光华第一网格"]["visited"]) == (4, 2)
    assert grids["光华第二网格"]["moved_away"] == 1
    workers = _by_name(c1.context["workers"])
    assert (workers["grid_worker"]["visited"], workers["grid_worker"]["households"]) == (2, 4)
    assert workers["neighbour_worker"]["moved_away"] == 1
    assert c1.context["total"] == total
    c2 = client.get(url, {"unit": world.unit("C2").pk})
    assert [(g["name"], g["due"]) for g in c2.context["grids"]] == [("永安第一网格", 2)]


def test_a_street_round_lists_communities_and_opens_one_on_demand(world, login, street_round):
    client = login(world.street_officer)
    url = reverse("screening:coverage", args=[street_round.pk])
    page = client.get(url)
    assert (page.context["grids"], page.context["workers"]) == ([], [])
    body = page.content.decode()
    assert f"?unit={world.unit('C1').pk}" in body
    assert 'data-testid="coverage-workers"' not in body
    opened = client.get(url, {"unit": world.unit("C1").pk}).content.decode()
    assert opened.count('data-testid="unit-grid"') == 2
    assert 'data-testid="coverage-workers"' in opened
    # A grid, the street or anything else is no community to open.
    for unit in (world.grid_a.pk, world.street.pk, 99999999, "x"):
        assert client.get(url, {"unit": unit}).context["grids"] == []


def test_visits_per_day_show_the_last_fourteen_days_with_visits(world, login, street_round):
    task = VisitTask.objects.filter(round=street_round, status="due").first()
    visit_record(
        actor=world.admin_user,
        task=task,
        client_uuid=uuid.uuid4(),
        outcome=Outcome.NOBODY_HOME,
        method="in_person",
        visited_at=NOW - datetime.timedelta(days=14),
    )
    page = login(world.street_officer).get(reverse("screening:coverage", args=[street_round.pk]))
    assert [d["day"] for d in page.context["days"]] == [TODAY, TODAY - datetime.timedelta(days=1)]


def test_a_grid_worker_sees_the_coverage_of_their_grid_only(world, login, street_round):
    page = login(world.grid_worker).get(reverse("screening:coverage", args=[street_round.pk]))
    assert [g["name"] for g in page.context["grids"]] == ["光华第一网格"]
    assert page.context["total"]["households"] == 4
    assert sum(d["visits"] for d in page.context["days"]) == 4


def test_the_coverage_page_runs_a_fixed_number_of_queries(
    world, login, street_round, django_assert_max_num_queries
):
    client = login(world.street_officer)
    url = reverse("screening:coverage", args=[street_round.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["total"]["households"] == 7
    assert _by_name(page.context["units"])["永安社区"]["households"] == 2
    assert "永安社区" in page.content.decode()
    # More households (in a round made after them) add no queries.
    for n in range(5):
        household_create(actor=world.admin_user, grid=world.unit("G3"), address=f"新路{n}号")
    bigger = round_create(
        actor=world.street_officer, scope=world.street, name="复查", starts_on=TODAY, ends_on=TODAY
    )
    url = reverse("screening:coverage", args=[bigger.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["total"]["households"] == 12
    assert _by_name(page.context["units"])["永安社区"]["households"] == 7
    assert "复查" in page.content.decode()


def test_the_task_list_runs_a_fixed_number_of_queries(
    world, login, street_round, django_assert_max_num_queries
):
    client = login(world.street_officer)
    url = reverse("screening:tasks", args=[street_round.pk]) + "?who=all&show=all"
    client.get(url)
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert len(response.context["page"]) == 7


def _sheet(content):
    return load_workbook(io.BytesIO(content)).active


def test_the_ledger_has_one_row_per_household_with_names_masked(world, login, street_round):
    response = login(world.community_staff).post(
        reverse("screening:ledger", args=[street_round.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _sheet(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    body = [dict(zip(header, r, strict=False)) for r in rows[2:]]
    # Community staff of C1 export their part of the street's round: 5 households.
    assert len(body) == 5
    text = str(rows)
    assert "单明" not in text and "单*" in text
    assert "街道走访" in rows[0][0]
    events = AuditEvent.objects.filter(action="screening.ledger_export")
    assert [e.changes["masked"] for e in events] == [True]
    assert events.get().changes["rows"] == 5


def test_full_names_in_the_ledger_need_the_right_and_a_reason(world, login, street_round):
    client = login(world.district_officer)
    url = reverse("screening:ledger", args=[street_round.pk])
    refused = client.post(url, {"unmasked": "on"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    response = client.post(url, {"unmasked": "on", "reason": "报送疾控中心"})
    assert response.status_code == 200
    assert "单明" in str(list(_sheet(response.content).iter_rows(values_only=True)))
    assert AuditEvent.objects.get(action="screening.ledger_export").reason == "报送疾控中心"
    # Community staff have no right to full names: the choice is not offered.
    staff = login(world.community_staff).get(url)
    assert "unmasked" not in staff.context["form"].fields
