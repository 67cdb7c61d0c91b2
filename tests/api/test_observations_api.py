"""/api/v1/observations: start, list, detail and every transition, with frozen time."""

import datetime

import pytest
import time_machine

from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_NOT_ALLOWED, ERR_OUT_OF_SCOPE, ERR_REASON_REQUIRED
from shoumen.observation.api import ERR_UNKNOWN_COMMUNITY
from shoumen.observation.models import Kind, Observation, ObservationStatus, Reason
from shoumen.observation.schemas import ERR_BATCH_TOO_LARGE, MAX_BULK_START
from shoumen.observation.services import (
    ERR_ALREADY_OBSERVED,
    ERR_DATE_FUTURE,
    ERR_PERSON_UNKNOWN,
    ERR_RESPONSIBLE_SCOPE,
    observation_start,
)
from tests.personas import ID_SHAN, PHONE_SHAN

NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def start_body(person, **overrides):
    values = {
        "person": person.pk,
        "kind": "home_isolation",
        "reason": "risk_area",
        "risk_area": "某省某市",
        "arrival_date": (TODAY - 2 * DAY).isoformat(),
    }
    return {**values, **overrides}


def started(world, person=None, **values):
    fields = {"kind": Kind.HOME_ISOLATION, "reason": Reason.OTHER, **values}
    return observation_start(actor=world.grid_worker, person=person or world.shan, **fields)


# ---------------------------------------------------------------- start


def test_a_worker_starts_an_observation_counted_from_arrival(world, api):
    response = api(world.grid_worker).post("/observations", start_body(world.shan))
    assert response.status_code == 201
    body = response.json()
    assert body["starts_on"] == (TODAY - 2 * DAY).isoformat()
    assert body["ends_on"] == (TODAY + 11 * DAY).isoformat()  # 14 days, day 1 = arrival
    assert body["responsible"] == world.grid_worker.pk
    assert body["status"] == "active"
    assert AuditEvent.objects.filter(action="observation.start").exists()


def test_persons_leave_by_name_and_masked_fields_only(world, api):
    response = api(world.grid_worker).post("/observations", start_body(world.shan))
    text = response.content.decode()
    assert ID_SHAN not in text
    assert PHONE_SHAN not in text
    body = response.json()
    assert body["person_name"] == "单明"
    assert body["person_id_number_masked"].endswith(ID_SHAN[-4:])
    assert "*" in body["person_id_number_masked"]
    assert "*" in body["person_phone_masked"]


def test_missing_conditional_fields_are_field_errors(world, api):
    response = api(world.grid_worker).post(
        "/observations", start_body(world.shan, risk_area="", arrival_date=None)
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"risk_area", "arrival_date"}


def test_a_second_active_observation_of_the_same_kind_is_refused(world, api):
    client = api(world.grid_worker)
    client.post("/observations", start_body(world.shan))
    response = client.post("/observations", start_body(world.shan))
    assert response.status_code == 422
    message = str(
        ERR_ALREADY_OBSERVED
        % {"kind": Kind.HOME_ISOLATION.label, "end": (TODAY + 11 * DAY).isoformat()}
    )
    assert response.json()["errors"] == {"__all__": [message]}


def test_a_person_outside_the_jurisdiction_is_a_field_error(world, api):
    response = api(world.grid_worker).post("/observations", start_body(world.neighbour))
    assert response.status_code == 422
    assert response.json()["errors"] == {"person": [str(ERR_PERSON_UNKNOWN)]}
    assert not Observation.objects.exists()


def test_the_responsible_worker_must_work_in_the_grid(world, api):
    body = start_body(world.shan, responsible=world.neighbour_worker.pk)
    response = api(world.grid_worker).post("/observations", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {"responsible": [str(ERR_RESPONSIBLE_SCOPE)]}


def test_a_volunteer_may_not_start_observations(world, api):
    response = api(world.volunteer).post("/observations", start_body(world.shan))
    assert response.status_code == 403
    assert response.json()["detail"] == str(ERR_NOT_ALLOWED)


def test_bulk_start_gives_each_person_its_result(world, api):
    started(world, person=world.zeng)
    persons = [world.shan.pk, world.zeng.pk, world.neighbour.pk, "x", world.person("单小宝").pk]
    body = {k: v for k, v in start_body(world.shan).items() if k != "person"}
    response = api(world.grid_worker).post("/observations/bulk", {**body, "persons": persons})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["created", "error", "error", "error", "created"]
    assert [r["person"] for r in results] == persons
    assert set(results[1]["errors"]) == {"__all__"}  # already observed
    assert results[2]["errors"] == {"person": [str(ERR_PERSON_UNKNOWN)]}
    assert results[3]["errors"] == {"person": [str(ERR_PERSON_UNKNOWN)]}
    assert response.json()["counts"] == {"created": 2, "error": 3}
    assert Observation.objects.filter(kind=Kind.HOME_ISOLATION).count() == 3


def test_bulk_start_over_the_limit_is_refused_whole(world, api):
    body = {k: v for k, v in start_body(world.shan).items() if k != "person"}
    persons = [world.shan.pk] * (MAX_BULK_START + 1)
    response = api(world.grid_worker).post("/observations/bulk", {**body, "persons": persons})
    assert response.status_code == 422
    message = str(ERR_BATCH_TOO_LARGE % {"max": MAX_BULK_START, "count": MAX_BULK_START + 1})
    assert response.json()["errors"] == {"persons": [message]}


# ---------------------------------------------------------------- list and detail


def test_the_list_is_scoped_and_filtered(world, api):
    mine = started(world)
    started(world, person=world.zeng, kind=Kind.HOME_MONITORING)
    theirs = observation_start(
        actor=world.neighbour_worker,
        person=world.neighbour,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.OTHER,
    )
    assert {o["id"] for o in api(world.grid_worker).get("/observations").json()["items"]} == {
        mine.pk,
        mine.pk + 1,
    }
    staff = api(world.community_staff)
    assert staff.get("/observations").json()["count"] == 3
    by_kind = staff.get("/observations", kind="home_isolation").json()
    assert {o["id"] for o in by_kind["items"]} == {mine.pk, theirs.pk}
    by_unit = staff.get("/observations", org_unit="G2").json()
    assert [o["id"] for o in by_unit["items"]] == [theirs.pk]
    assert api(world.neighbour_worker).get("/observations", responsible="me").json()["count"] == 1
    assert staff.get("/observations", status="completed").json()["count"] == 0
    assert api(world.outsider).get("/observations").json() == {"items": [], "count": 0}


def test_an_org_unit_outside_the_jurisdiction_is_a_field_error(world, api):
    response = api(world.grid_worker).get("/observations", org_unit="G4")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["org_unit"]


def test_the_list_pins_its_query_count(world, api, django_assert_max_num_queries):
    for person in (world.shan, world.zeng, world.person("单小宝")):
        started(world, person=person)
    client = api(world.grid_worker)
    with django_assert_max_num_queries(6):
        response = client.get("/observations")
    assert response.json()["count"] == 3


def test_an_observation_outside_the_jurisdiction_answers_404(world, api):
    obs = started(world)
    assert api(world.neighbour_worker).get(f"/observations/{obs.pk}").status_code == 404
    assert api(world.grid_worker).get(f"/observations/{obs.pk}").status_code == 200


# ---------------------------------------------------------------- transitions


def test_complete_close_and_a_second_transition_is_refused(world, api):
    client = api(world.grid_worker)
    first, second = started(world), started(world, kind=Kind.HOME_MONITORING)
    done = client.post(f"/observations/{first.pk}/complete", {})
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    again = client.post(f"/observations/{first.pk}/close", {"status": "lost", "reason": "失联"})
    assert again.status_code == 422
    closed = client.post(
        f"/observations/{second.pk}/close", {"status": "hospitalised", "reason": "送医"}
    )
    assert closed.json()["status"] == "hospitalised"
    assert closed.json()["outcome_note"] == "送医"


def test_closing_needs_a_reason(world, api):
    obs = started(world)
    response = api(world.grid_worker).post(
        f"/observations/{obs.pk}/close", {"status": "cancelled", "reason": ""}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": [str(ERR_REASON_REQUIRED)]}


def test_re_exposure_extends_the_period_and_a_future_date_is_refused(world, api):
    obs = started(world, reason=Reason.CLOSE_CONTACT, last_exposure_date=TODAY - 5 * DAY)
    client = api(world.grid_worker)
    future = client.post(
        f"/observations/{obs.pk}/extend",
        {"exposure_date": (TODAY + DAY).isoformat(), "reason": "再次接触"},
    )
    assert future.json()["errors"] == {"exposure_date": [str(ERR_DATE_FUTURE)]}
    response = client.post(
        f"/observations/{obs.pk}/extend",
        {"exposure_date": (TODAY - DAY).isoformat(), "reason": "再次接触"},
    )
    assert response.status_code == 200
    assert response.json()["starts_on"] == (TODAY - DAY).isoformat()
    assert response.json()["ends_on"] == (TODAY + 12 * DAY).isoformat()


def test_the_responsible_worker_can_be_changed_within_the_grid(world, api):
    obs = started(world)
    client = api(world.community_staff)
    moved = client.post(f"/observations/{obs.pk}/assign", {"responsible": world.grid_worker.pk})
    assert moved.status_code == 200
    wrong = client.post(
        f"/observations/{obs.pk}/assign", {"responsible": world.neighbour_worker.pk}
    )
    assert wrong.json()["errors"] == {"responsible": [str(ERR_RESPONSIBLE_SCOPE)]}


def test_a_transfer_is_accepted_by_the_receiving_community(world, api):
    obs = started(world)
    sent = api(world.grid_worker).post(
        f"/observations/{obs.pk}/transfer", {"to_community": "C2", "reason": "搬到永安社区"}
    )
    assert sent.json()["transfer_to"] == "C2"
    # The grid worker of the sending grid cannot accept for C2.
    refused = api(world.grid_worker).post(f"/observations/{obs.pk}/transfer/accept", {"grid": "G3"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == str(ERR_OUT_OF_SCOPE)
    accepted = api(world.street_officer).post(
        f"/observations/{obs.pk}/transfer/accept", {"grid": "G3"}
    )
    assert accepted.status_code == 200
    new = accepted.json()
    assert (new["grid"], new["transferred_from"], new["status"]) == ("G3", obs.pk, "active")
    assert new["ends_on"] == obs.ends_on.isoformat()
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.TRANSFERRED
    # Both sides keep their history: the sender still sees the ended one.
    assert api(world.grid_worker).get(f"/observations/{obs.pk}").json()["status"] == "transferred"


def test_a_transfer_to_an_unknown_community_is_a_field_error(world, api):
    obs = started(world)
    response = api(world.grid_worker).post(
        f"/observations/{obs.pk}/transfer", {"to_community": "NOPE", "reason": "搬家"}
    )
    assert response.json()["errors"] == {"to_community": [str(ERR_UNKNOWN_COMMUNITY)]}


def test_a_pending_transfer_can_be_withdrawn(world, api):
    obs = started(world)
    client = api(world.grid_worker)
    client.post(f"/observations/{obs.pk}/transfer", {"to_community": "C2", "reason": "搬家"})
    response = client.post(f"/observations/{obs.pk}/transfer/cancel", {"reason": "对方核实无此人"})
    assert response.status_code == 200
    assert response.json()["transfer_to"] is None


def test_transitions_outside_the_jurisdiction_answer_404(world, api):
    obs = started(world)
    client = api(world.neighbour_worker)
    assert client.post(f"/observations/{obs.pk}/complete", {}).status_code == 404
    body = {"status": "cancelled", "reason": "登记有误"}
    assert client.post(f"/observations/{obs.pk}/close", body).status_code == 404
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.ACTIVE
