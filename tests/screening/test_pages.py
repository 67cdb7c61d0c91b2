"""The screening pages: creating a round over a scope, questions revised through the form,
a worker's task list, the visit form with each outcome, replays, reassignment, and
starting an observation from a visit."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.observation.models import HealthReport, Observation, Reason
from shoumen.registry.models import Household
from shoumen.screening.forms import ERR_MEMBER_REPORT_ABSENT, ERR_PICK_TASKS
from shoumen.screening.models import (
    Outcome,
    QuestionnaireVersion,
    ScreeningRound,
    TaskStatus,
    Visit,
    VisitTask,
)
from shoumen.screening.services import ERR_ASSIGNEE_SCOPE, ERR_NO_QUESTIONS, round_create

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def round_(world):
    return round_create(
        actor=world.community_staff,
        scope=world.community,
        name="第一轮走访排查",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=3),
    )


def task_a(round_, world):
    return VisitTask.objects.get(round=round_, household=world.household_a)


def visit_data(**extra):
    data = {"client_uuid": str(uuid.uuid4()), "version": "1", "method": "in_person"}
    data.update(extra)
    return data


# ---------------------------------------------------------------- rounds


def test_community_staff_create_a_round_over_their_community_through_the_page(world, login):
    client = login(world.community_staff)
    page = client.get(reverse("screening:round_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("screening:round_new"),
        {
            "name": "光华社区第一轮入户排查",
            "scope": world.community.pk,
            "purpose": "排查返乡人员",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-23",
            "questions": ["risk_travel", "risk_area", "arrival_date", "symptoms"],
        },
    )
    round_ = ScreeningRound.objects.get(name="光华社区第一轮入户排查")
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:round", args=[round_.pk])
    households = Household.objects.filter(grid__path__startswith=world.community.path).count()
    assert round_.tasks.count() == households == 2
    assert [q["code"] for q in round_.versions.get().questions] == [
        "risk_travel",
        "risk_area",
        "arrival_date",
        "symptoms",
    ]
    assert AuditEvent.objects.filter(action="screening.round_create").count() == 1


def test_a_round_needs_questions_and_a_unit_in_scope(world, login):
    client = login(world.community_staff)
    data = {"name": "x", "scope": world.community.pk, "starts_on": "2026-11-20"}
    response = client.post(reverse("screening:round_new"), {**data, "ends_on": "2026-11-20"})
    assert response.status_code == 400
    assert response.context["form"].errors["questions"]
    outside = {**data, "ends_on": "2026-11-20", "questions": ["symptoms"]}
    outside["scope"] = world.other_street.pk
    assert client.post(reverse("screening:round_new"), outside).status_code == 404
    assert not ScreeningRound.objects.exists()


def test_a_street_officer_can_create_a_round_over_one_grid(world, login):
    client = login(world.street_officer)
    response = client.post(
        reverse("screening:round_new"),
        {
            "name": "网格复查",
            "scope": world.grid_b.pk,
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-20",
            "questions": ["symptoms"],
        },
    )
    assert response.status_code == 302
    round_ = ScreeningRound.objects.get()
    assert {t.grid_id for t in round_.tasks.all()} == {world.grid_b.pk}


def test_revising_the_questions_through_the_form_keeps_earlier_answers_on_their_version(
    world, login, round_
):
    worker = login(world.grid_worker)
    task = task_a(round_, world)
    worker.post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(outcome="visited", q_risk_travel="no", q_members_present="3"),
    )
    staff = login(world.community_staff)
    empty = staff.post(reverse("screening:round_questions", args=[round_.pk]), {})
    assert empty.status_code == 400
    assert empty.context["questions_form"].errors["questions"]
    response = staff.post(
        reverse("screening:round_questions", args=[round_.pk]),
        {"questions": ["symptoms", "notes"]},
    )
    assert response.status_code == 302
    assert list(round_.versions.values_list("number", flat=True)) == [1, 2]
    first = Visit.objects.get()
    assert first.version.number == 1
    assert first.answers == {"risk_travel": False, "members_present": 3}
    # The form now asks version 2's questions and records answers under it.
    form = login(world.grid_worker).get(reverse("screening:visit_new", args=[task.pk]))
    assert set(form.context["form"].answer_names) == {"q_symptoms", "q_notes"}
    login(world.grid_worker).post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(version="2", outcome="visited", q_symptoms="yes", q_notes="咳嗽两天"),
    )
    second = Visit.objects.latest("pk")
    assert (second.version.number, second.answers) == (2, {"symptoms": True, "notes": "咳嗽两天"})
    assert str(ERR_NO_QUESTIONS) not in empty.content.decode()  # the form's own message


def test_closing_a_round_stops_visits(world, login, round_):
    staff = login(world.community_staff)
    assert staff.post(reverse("screening:round_close", args=[round_.pk])).status_code == 302
    task = task_a(round_, world)
    response = login(world.grid_worker).post(
        reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited")
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()


# ---------------------------------------------------------------- tasks and visits


def test_the_grid_worker_sees_their_households_due_first_then_revisits_due_today(
    world, login, round_
):
    admin = world.admin_user
    from shoumen.registry.household_services import household_create

    extra = [
        household_create(
            actor=admin, grid=world.grid_a, building=world.building_a, unit="1", door_number=d
        )
        for d in ("101", "102")
    ]
    round2 = round_create(
        actor=world.community_staff,
        scope=world.grid_a,
        name="第二轮",
        starts_on=TODAY,
        ends_on=TODAY,
    )
    revisit_today = VisitTask.objects.get(round=round2, household=extra[0])
    revisit_later = VisitTask.objects.get(round=round2, household=extra[1])
    VisitTask.objects.filter(pk=revisit_today.pk).update(
        status=TaskStatus.REVISIT, revisit_on=TODAY
    )
    VisitTask.objects.filter(pk=revisit_later.pk).update(
        status=TaskStatus.REVISIT, revisit_on=TODAY + datetime.timedelta(days=1)
    )
    client = login(world.grid_worker)
    page = client.get(reverse("screening:tasks", args=[round2.pk]))
    shown = [t.pk for t in page.context["page"]]
    due = VisitTask.objects.get(round=round2, household=world.household_a)
    assert shown == [due.pk, revisit_today.pk]
    assert "5号楼" in page.content.decode()
    done = client.get(reverse("screening:tasks", args=[round2.pk]), {"show": "done"})
    assert [t.pk for t in done.context["page"]] == [revisit_later.pk]
    # The neighbouring grid's household is not on this worker's list.
    assert world.grid_b.pk not in {t.grid_id for t in page.context["page"]}


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
def test_each_outcome_through_the_visit_form(world, login, round_, outcome, status, revisit_on):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    response = client.post(
        reverse("screening:visit_new", args=[task.pk]), visit_data(outcome=outcome)
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:visit", args=[visit.pk])
    task.refresh_from_db()
    assert (task.status, task.revisit_on, task.attempts) == (status, revisit_on, 1)
    assert (visit.outcome, visit.visitor) == (outcome, world.grid_worker)


def test_nobody_home_brings_the_household_back_on_the_list_the_next_day(world, login, round_):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="nobody_home"))
    url = reverse("screening:tasks", args=[round_.pk])
    assert [t.pk for t in client.get(url).context["page"]] == []
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        client = login(world.grid_worker)  # a new working day, a new session
        assert [t.pk for t in client.get(url).context["page"]] == [task.pk]
        client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited"))
    task.refresh_from_db()
    assert (task.status, task.attempts, task.revisit_on) == (TaskStatus.VISITED, 2, None)


def test_a_visit_with_answers_members_and_temperatures(world, login, round_):
    task = task_a(round_, world)
    shan, zeng = world.shan, world.zeng
    client = login(world.grid_worker)
    form = client.get(reverse("screening:visit_new", args=[task.pk]))
    html = form.content.decode()
    assert "单明" in html  # the grid worker's own grid: full names, as on person pages
    key = form.context["form"]["client_uuid"].value()
    response = client.post(
        reverse("screening:visit_new", args=[task.pk]),
        {
            "client_uuid": key,
            "version": "1",
            "outcome": "visited",
            "method": "in_person",
            "q_risk_travel": "yes",
            "q_risk_area": "某市某区",
            "q_arrival_date": "2026-11-18",
            "q_symptoms": "no",
            "q_vulnerable": ["chronic"],
            "members_present": [shan.pk, zeng.pk],
            f"temp_{shan.pk}": "36.5",
            f"temp_{zeng.pk}": "38.2",
            f"symptoms_{zeng.pk}": ["cough"],
            "service_need": "代购降压药",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(client_uuid=key)
    assert visit.answers == {
        "risk_travel": True,
        "risk_area": "某市某区",
        "arrival_date": "2026-11-18",
        "symptoms": False,
        "vulnerable": ["chronic"],
    }
    assert sorted(visit.members_present) == sorted([shan.pk, zeng.pk])
    task.refresh_from_db()
    assert (task.returnee_found, task.symptomatic, task.vulnerable) == (True, True, True)
    reports = {r.person_id: r for r in HealthReport.objects.filter(person__in=[shan, zeng])}
    assert str(reports[zeng.pk].temperature) == "38.2" and reports[zeng.pk].cough
    assert visit.service_need == "代购降压药"


def test_temperatures_are_for_members_present_only(world, login, round_):
    task = task_a(round_, world)
    shan = world.shan
    response = login(world.grid_worker).post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(outcome="visited", **{f"temp_{shan.pk}": "36.5"}),
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"temp_{shan.pk}"] == [str(ERR_MEMBER_REPORT_ABSENT)]
    assert not Visit.objects.exists()


def test_a_resubmitted_visit_form_changes_nothing(world, login, round_):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    data = visit_data(outcome="visited", q_risk_travel="no")
    first = client.post(reverse("screening:visit_new", args=[task.pk]), data)
    again = client.post(
        reverse("screening:visit_new", args=[task.pk]), {**data, "outcome": "refused"}
    )
    assert first["Location"] == again["Location"]
    task.refresh_from_db()
    assert (Visit.objects.count(), task.status, task.attempts) == (1, TaskStatus.VISITED, 1)
    assert AuditEvent.objects.filter(action="screening.visit").count() == 1


def test_the_form_renders_a_fresh_client_uuid_each_time(world, login, round_):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    url = reverse("screening:visit_new", args=[task.pk])
    first = client.get(url).context["form"]["client_uuid"].value()
    second = client.get(url).context["form"]["client_uuid"].value()
    assert first != second


def test_the_neighbouring_worker_cannot_open_the_household(world, login, round_):
    task = task_a(round_, world)
    client = login(world.neighbour_worker)
    assert client.get(reverse("screening:visit_new", args=[task.pk])).status_code == 404
    assert (
        client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited"))
    ).status_code == 404


# ---------------------------------------------------------------- reassignment


def test_community_staff_reassign_ticked_households_to_another_worker_of_the_grid(
    world, login, round_
):
    from shoumen.accounts.models import RoleAssignment, User
    from shoumen.accounts.roles import Role

    helper = User.objects.create(username="helper", display_name="李帮")
    RoleAssignment.objects.create(user=helper, role=Role.GRID_WORKER, org_unit=world.grid_a)
    task = task_a(round_, world)
    client = login(world.community_staff)
    page = client.get(reverse("screening:tasks", args=[round_.pk]), {"who": "all"})
    assert helper in page.context["candidates"]
    url = reverse("screening:reassign", args=[round_.pk])
    nothing = client.post(url, {"assignee": helper.pk})
    assert nothing.status_code == 400
    assert str(ERR_PICK_TASKS) in nothing.content.decode()
    wrong = client.post(url, {"tasks": [task.pk], "assignee": world.neighbour_worker.pk})
    assert wrong.status_code == 400
    assert wrong.context["reassign_form"].errors["assignee"] == [str(ERR_ASSIGNEE_SCOPE)]
    response = client.post(url, {"tasks": [task.pk], "assignee": helper.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assignee == helper
    # The task left the grid worker's own list and is now on the helper's.
    worker_list = login(world.grid_worker).get(reverse("screening:tasks", args=[round_.pk]))
    assert list(worker_list.context["page"]) == []
    helper_list = login(helper).get(reverse("screening:tasks", args=[round_.pk]))
    assert [t.pk for t in helper_list.context["page"]] == [task.pk]


def test_a_grid_worker_cannot_reassign(world, login, round_):
    task = task_a(round_, world)
    response = login(world.grid_worker).post(
        reverse("screening:reassign", args=[round_.pk]),
        {"tasks": [task.pk], "assignee": world.grid_worker.pk},
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- observation


def test_one_tap_starts_an_observation_prefilled_from_the_answers(world, login, round_):
    task = task_a(round_, world)
    shan = world.shan
    client = login(world.grid_worker)
    client.post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(
            outcome="visited",
            q_risk_travel="yes",
            q_risk_area="某市某区",
            q_arrival_date="2026-11-18",
            members_present=[shan.pk],
        ),
    )
    visit = Visit.objects.get()
    page = client.get(reverse("screening:visit", args=[visit.pk]))
    forms = {row["person"].pk: row["form"] for row in page.context["members"]}
    prefilled = forms[shan.pk].initial
    assert (prefilled["reason"], prefilled["risk_area"], prefilled["arrival_date"]) == (
        Reason.RISK_AREA,
        "某市某区",
        "2026-11-18",
    )
    # The tap posts the prefilled form as rendered.
    response = client.post(
        reverse("screening:visit_observe", args=[visit.pk]),
        {
            "person": shan.pk,
            "kind": "home_monitoring",
            "reason": "risk_area",
            "risk_area": "某市某区",
            "arrival_date": "2026-11-18",
        },
    )
    assert response.status_code == 302
    obs = Observation.objects.get(person=shan)
    assert (obs.reason, obs.risk_area, obs.arrival_date) == (
        Reason.RISK_AREA,
        "某市某区",
        datetime.date(2026, 11, 18),
    )
    assert obs.responsible == world.grid_worker
    again = client.get(reverse("screening:visit", args=[visit.pk]))
    assert 'data-testid="observed"' in again.content.decode()


def test_starting_an_observation_for_someone_outside_the_household_is_404(world, login, round_):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited"))
    visit = Visit.objects.get()
    response = client.post(
        reverse("screening:visit_observe", args=[visit.pk]),
        {"person": world.neighbour.pk, "kind": "home_monitoring", "reason": "other"},
    )
    assert response.status_code == 404
    assert not Observation.objects.exists()


def test_a_missing_risk_area_is_shown_on_the_members_form(world, login, round_):
    task = task_a(round_, world)
    client = login(world.grid_worker)
    client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited"))
    visit = Visit.objects.get()
    response = client.post(
        reverse("screening:visit_observe", args=[visit.pk]),
        {"person": world.shan.pk, "kind": "home_monitoring", "reason": "risk_area"},
    )
    assert response.status_code == 400
    from shoumen.observation.services import ERR_RISK_AREA_REQUIRED

    assert str(ERR_RISK_AREA_REQUIRED) in response.content.decode()
    assert QuestionnaireVersion.objects.filter(round=round_).count() == 1


def test_the_system_administrator_sees_every_round(world, login, round_):
    page = login(world.admin_user).get(reverse("screening:rounds"))
    assert [r.pk for r in page.context["page"]] == [round_.pk]
