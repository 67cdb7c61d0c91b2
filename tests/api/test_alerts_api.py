"""/api/v1/alerts: a report raises one, community staff acknowledge and resolve it."""

import datetime
import uuid

import pytest
import time_machine

from shoumen.alerts.models import Alert, AlertStatus
from shoumen.alerts.services import ERR_ALREADY_ACKNOWLEDGED, ERR_ALREADY_RESOLVED
from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_NOT_ALLOWED
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from tests.personas import PHONE_SHAN

NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ili_report(person, slot="am"):
    return {
        "person": person.pk,
        "date": NOW.date().isoformat(),
        "slot": slot,
        "temperature": "38.6",
        "cough": True,
        "source": "worker_phone",
        "client_uuid": str(uuid.uuid4()),
    }


@pytest.fixture
def ili_alert(world, api):
    observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.OTHER,
    )
    api(world.grid_worker).post("/health-reports", ili_report(world.shan))
    return Alert.objects.get()


def test_a_report_over_the_api_raises_an_alert_listed_for_its_owner(world, api, ili_alert):
    body = api(world.grid_worker).get("/alerts", mine=True).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["cause"], item["status"], item["owner"]) == ("ili", "open", world.grid_worker.pk)
    assert datetime.datetime.fromisoformat(item["due_at"]) == NOW + datetime.timedelta(hours=2)
    assert item["person_name"] == "单明"
    assert PHONE_SHAN not in str(body)
    assert item["person_phone_masked"].endswith(PHONE_SHAN[-4:])


def test_community_staff_acknowledge_then_resolve(world, api, ili_alert):
    staff = api(world.community_staff)
    acked = staff.post(f"/alerts/{ili_alert.pk}/acknowledge", {})
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    twice = staff.post(f"/alerts/{ili_alert.pk}/acknowledge", {})
    assert twice.status_code == 422
    assert twice.json()["errors"] == {"__all__": [str(ERR_ALREADY_ACKNOWLEDGED)]}
    resolved = staff.post(
        f"/alerts/{ili_alert.pk}/resolve", {"outcome": "fever_clinic", "note": "已送发热门诊"}
    )
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["outcome"]) == ("resolved", "fever_clinic")
    again = staff.post(f"/alerts/{ili_alert.pk}/resolve", {"outcome": "other"})
    assert again.json()["errors"] == {"__all__": [str(ERR_ALREADY_RESOLVED)]}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"alert.raise", "alert.acknowledge", "alert.resolve"} <= actions


def test_resolving_needs_a_known_outcome(world, api, ili_alert):
    response = api(world.grid_worker).post(f"/alerts/{ili_alert.pk}/resolve", {"outcome": "gone"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["outcome"]
    ili_alert.refresh_from_db()
    assert ili_alert.status == AlertStatus.OPEN


def test_a_repeat_updates_the_open_alert_and_a_resolved_one_leaves_the_default_list(
    world, api, ili_alert
):
    client = api(world.grid_worker)
    client.post("/health-reports", ili_report(world.shan, slot="pm"))
    assert Alert.objects.get().hits == 2
    client.post(f"/alerts/{ili_alert.pk}/resolve", {"outcome": "false_reading"})
    assert client.get("/alerts").json()["count"] == 0
    assert client.get("/alerts", status="resolved").json()["count"] == 1
    assert client.get("/alerts", status="", cause="fever").json()["count"] == 0


def test_alerts_are_scoped_and_out_of_scope_ones_answer_404(world, api, ili_alert):
    neighbour = api(world.neighbour_worker)
    assert neighbour.get("/alerts").json() == {"items": [], "count": 0}
    assert neighbour.post(f"/alerts/{ili_alert.pk}/acknowledge", {}).status_code == 404
    outsider = api(world.outsider)
    body = {"outcome": "other"}
    assert outsider.post(f"/alerts/{ili_alert.pk}/resolve", body).status_code == 404
    assert api(world.street_officer).get("/alerts").json()["count"] == 1


def test_a_volunteer_may_not_list_alerts(world, api, ili_alert):
    response = api(world.volunteer).get("/alerts")
    assert response.status_code == 403
    assert response.json()["detail"] == str(ERR_NOT_ALLOWED)


def test_an_open_alert_past_due_reads_as_overdue(world, api, ili_alert, frozen):
    client = api(world.grid_worker)
    assert client.get("/alerts").json()["items"][0]["overdue"] is False
    frozen.shift(datetime.timedelta(hours=2, minutes=1))
    assert client.get("/alerts").json()["items"][0]["overdue"] is True
