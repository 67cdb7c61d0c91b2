import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.observation.models import HealthReport, Source
from shoumen.registry.models import Household
from shoumen.screening.models import Outcome, TaskStatus, VisitTask
from shoumen.screening.selectors import (
    coverage_by_grid,
    coverage_total,
    rounds_visible_to,
    tasks_visible_to,
)
from shoumen.screening.services import (
    ERR_ANSWER_TYPE,
    ERR_ANSWER_UNKNOWN,
    ERR_ASSIGNEE_SCOPE,
    ERR_ROUND_CLOSED,
    questionnaire_revise,
    round_close,
    round_create,
    tasks_reassign,
    visit_record,
)

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def community_round(world):
    return round_create(
        actor=world.community_staff,
        scope=world.community,
        name="第一轮走访排查",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=3),
    )


def task_of(round_, household):
    return VisitTask.objects.get(round=round_, household=household)


def visit(world, task, outcome=Outcome.VISITED, **kw):
    values = {"client_uuid": uuid.uuid4(), "outcome": outcome, "method": "in_person"}
    return visit_record(actor=world.grid_worker, task=task, **{**values, **kw})


def test_every_household_in_scope_becomes_a_task_for_its_grid_worker(world, community_round):
    tasks = VisitTask.objects.filter(round=community_round)
    expected = Household.objects.filter(grid__path__startswith=world.community.path)
    assert sorted(t.household_id for t in tasks) == sorted(h.pk for h in expected)
    by_grid = {t.grid.code: t.assignee for t in tasks.select_related("grid", "assignee")}
    assert by_grid == {"G1": world.grid_worker, "G2": world.neighbour_worker}


def test_the_grid_worker_sees_the_round_and_only_their_tasks(world, community_round):
    assert list(rounds_visible_to(world.grid_worker)) == [community_round]
    assert {t.grid.code for t in tasks_visible_to(world.grid_worker, community_round)} == {"G1"}
    assert list(rounds_visible_to(world.outsider)) == []


def test_a_grid_worker_cannot_create_a_round(world):
    with pytest.raises(PermissionDenied):
        round_create(
            actor=world.grid_worker, scope=world.grid_a, name="x", starts_on=TODAY, ends_on=TODAY
        )


def test_reassigning_needs_a_worker_of_the_same_grid(world, community_round):
    task = task_of(community_round, world.household_a)
    with pytest.raises(ValidationError) as exc:
        tasks_reassign(actor=world.community_staff, tasks=[task], assignee=world.neighbour_worker)
    assert exc.value.message_dict == {"assignee": [str(ERR_ASSIGNEE_SCOPE)]}
    assert tasks_reassign(actor=world.community_staff, tasks=[task], assignee=world.community_staff)
    task.refresh_from_db()
    assert task.assignee == world.community_staff


@pytest.mark.parametrize(
    ("outcome", "status", "revisit_on"),
    [
        (Outcome.VISITED, TaskStatus.VISITED, None),
        (Outcome.NOBODY_HOME, TaskStatus.REVISIT, TODAY + datetime.timedelta(days=1)),
        (Outcome.REFUSED, TaskStatus.REFUSED, None),
        (Outcome.MOVED_AWAY, TaskStatus.MOVED_AWAY, None),
        (Outcome.NOT_FOUND, TaskStatus.NOT_FOUND, None),
    ],
)
def test_each_outcome_sets_the_task(world, community_round, outcome, status, revisit_on):
    task = task_of(community_round, world.household_a)
    visit(world, task, outcome)
    task.refresh_from_db()
    assert (task.status, task.revisit_on, task.attempts) == (status, revisit_on, 1)


def test_a_replayed_visit_changes_nothing(world, community_round):
    task = task_of(community_round, world.household_a)
    key = uuid.uuid4()
    first, created = visit(world, task, client_uuid=key)
    again, created_again = visit(world, task, client_uuid=key, outcome=Outcome.REFUSED)
    task.refresh_from_db()
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert (task.status, task.attempts) == (TaskStatus.VISITED, 1)


def test_answers_keep_the_version_they_were_given_under(world, community_round):
    task = task_of(community_round, world.household_a)
    first, _ = visit(world, task, answers={"risk_travel": True, "risk_area": "某市"})
    questionnaire_revise(
        actor=world.community_staff, round_=community_round, questions=["symptoms", "notes"]
    )
    second, _ = visit(world, task, answers={"notes": "已复核"})
    assert (first.version.number, second.version.number) == (1, 2)
    assert [q["code"] for q in second.version.questions] == ["symptoms", "notes"]
    with pytest.raises(ValidationError) as exc:
        visit(world, task, answers={"risk_travel": True})
    assert exc.value.message_dict == {"answers.risk_travel": [str(ERR_ANSWER_UNKNOWN)]}


def test_an_answer_of_the_wrong_type_is_refused(world, community_round):
    with pytest.raises(ValidationError) as exc:
        visit(world, task_of(community_round, world.household_a), answers={"members_present": "三"})
    assert exc.value.message_dict == {"answers.members_present": [str(ERR_ANSWER_TYPE)]}


def test_member_temperatures_become_health_reports(world, community_round):
    task = task_of(community_round, world.household_a)
    visit(
        world,
        task,
        members_present=[world.shan.pk, world.zeng.pk],
        member_reports=[
            {"person": world.shan.pk, "temperature": Decimal("36.6")},
            {"person": world.zeng.pk, "temperature": Decimal("37.8"), "symptoms": ["cough"]},
        ],
    )
    reports = HealthReport.objects.order_by("person__name")
    assert [(r.person.name, r.source, r.cough) for r in reports] == [
        ("单明", Source.WORKER_VISIT, False),
        ("曾丽", Source.WORKER_VISIT, True),
    ]
    task.refresh_from_db()
    assert task.symptomatic


def test_coverage_matches_a_hand_count(world, community_round):
    household_b = world.neighbour.household
    visit(world, task_of(community_round, world.household_a), answers={"risk_travel": True})
    visit_record(
        actor=world.neighbour_worker,
        task=task_of(community_round, household_b),
        client_uuid=uuid.uuid4(),
        outcome=Outcome.NOBODY_HOME,
        method="in_person",
    )
    rows = coverage_by_grid(world.community_staff, community_round)
    figures = {r["grid__name"]: (r["households"], r["visited"], r["revisit"]) for r in rows}
    assert figures == {"光华第一网格": (1, 1, 0), "光华第二网格": (1, 0, 1)}
    total = coverage_total(rows)
    assert (total["households"], total["visited"], total["returnees"]) == (2, 1, 1)


def test_a_closed_round_takes_no_more_visits(world, community_round):
    round_close(actor=world.community_staff, round_=community_round)
    with pytest.raises(ValidationError) as exc:
        visit(world, task_of(community_round, world.household_a))
    assert exc.value.messages == [str(ERR_ROUND_CLOSED)]
