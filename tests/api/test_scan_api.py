import datetime
import uuid

import pytest
import time_machine

from shoumen.api.types import ERR_NAIVE_TIME
from shoumen.checkpoints.api import ERR_LOOKUP_PAIR
from shoumen.checkpoints.models import Checkpoint, RevokeReason, Scan, VerdictReason
from shoumen.checkpoints.scan_services import ERR_SCAN_TIME
from shoumen.checkpoints.schemas import MAX_BATCH
from shoumen.checkpoints.services import pass_issue, pass_revoke, pass_token
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from tests.personas import ID_SHAN, PHONE_SHAN

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


@pytest.fixture
def token(world):
    return pass_token(pass_issue(actor=world.grid_worker, person=world.shan))


@pytest.fixture
def volunteer(api, world):
    return api(world.volunteer)


def _revoke(world):
    pass_revoke(
        actor=world.community_staff, pass_=world.shan.checkpoint_pass, reason="冒用他人证件"
    )


def row(token, **overrides):
    return {"client_uuid": str(uuid.uuid4()), "token": token, "direction": "in", **overrides}


def test_a_valid_pass_is_allowed_with_only_a_masked_name(volunteer, gate, token):
    response = volunteer.post("/passes/verify", {"checkpoint": gate.pk, "token": token})
    body = response.json()
    assert (response.status_code, body["verdict"], body["reason"]) == (200, "allow", "ok")
    assert body["display_name"] == "单*"
    text = response.content.decode()
    assert "单明" not in text and ID_SHAN[-4:] not in text and PHONE_SHAN[-4:] not in text


def test_a_revoked_pass_is_denied_with_the_reason(volunteer, world, gate, token):
    pass_revoke(
        actor=world.community_staff, pass_=world.shan.checkpoint_pass, reason="冒用他人证件"
    )
    body = volunteer.post("/passes/verify", {"checkpoint": gate.pk, "token": token}).json()
    assert (body["verdict"], body["reason"], body["reason_label"]) == (
        "deny",
        "revoked",
        str(VerdictReason.REVOKED.label),
    )


def test_a_tampered_token_is_denied_as_forged(volunteer, gate, token):
    prefix, kid, payload, sig = token.split(".")
    tampered = f"{prefix}.{kid}.{payload[:-2]}AA.{sig}"
    body = volunteer.post("/passes/verify", {"checkpoint": gate.pk, "token": tampered}).json()
    assert (body["verdict"], body["reason"], body["display_name"]) == ("deny", "forged", "")


def test_a_fever_at_the_online_check_is_denied(volunteer, gate, token):
    body = volunteer.post(
        "/passes/verify", {"checkpoint": gate.pk, "token": token, "temperature": "37.3"}
    ).json()
    assert (body["verdict"], body["reason"]) == ("deny", "fever")


def test_a_volunteer_gets_404_for_another_communitys_checkpoint(volunteer, world, token):
    other = Checkpoint.objects.create(community=world.unit("C2"), name="南门")
    assert volunteer.post(
        "/passes/verify", {"checkpoint": other.pk, "token": token}
    ).status_code == (404)
    batch = {"checkpoint": other.pk, "rows": [row(token)]}
    assert volunteer.post("/scans/batch", batch).status_code == 404
    assert volunteer.get("/passes/revocations", checkpoint=other.pk).status_code == 404
    assert Scan.objects.count() == 0


def test_a_synced_batch_replayed_adds_nothing(volunteer, gate, token):
    rows = [row(token, offline=True, verdict="allow"), row(token, direction="out")]
    first = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows}).json()
    again = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows}).json()
    assert [r["result"] for r in first["results"]] == ["created", "created"]
    assert [r["result"] for r in again["results"]] == ["unchanged", "unchanged"]
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert [r["scan_id"] for r in first["results"]] == [r["scan_id"] for r in again["results"]]
    assert Scan.objects.count() == 2


def test_an_offline_allow_for_a_pass_revoked_meanwhile_is_flagged(volunteer, world, gate, token):
    pass_revoke(
        actor=world.community_staff, pass_=world.shan.checkpoint_pass, reason="冒用他人证件"
    )
    scanned = (NOW - datetime.timedelta(minutes=30)).isoformat()
    rows = [row(token, offline=True, verdict="allow", scanned_at=scanned)]
    body = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows}).json()
    assert body["flagged"] == 1
    assert body["results"][0] | {"scan_id": None, "client_uuid": None} == {
        "index": 0,
        "client_uuid": None,
        "result": "created",
        "scan_id": None,
        "verdict": "allow",
        "reason": "revoked",
        "reason_label": str(VerdictReason.REVOKED.label),
        "flagged": True,
        "errors": {},
    }


def test_a_bad_row_is_reported_and_the_others_are_recorded(volunteer, gate, token):
    future = (NOW + datetime.timedelta(hours=1)).isoformat()
    rows = [row(token), row(token, scanned_at=future)]
    body = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows}).json()
    assert [r["result"] for r in body["results"]] == ["created", "error"]
    assert body["results"][1]["errors"] == {"scanned_at": [str(ERR_SCAN_TIME)]}
    assert Scan.objects.count() == 1


def test_a_scan_time_without_offset_is_refused(volunteer, gate, token):
    rows = [row(token, scanned_at="2026-11-20T08:00:00")]
    response = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows})
    assert response.status_code == 422
    assert response.json()["errors"]["rows"] == [f"Value error, {ERR_NAIVE_TIME}"]


def test_a_batch_larger_than_the_limit_is_refused_whole(volunteer, gate, token):
    rows = [row(token) for _ in range(MAX_BATCH + 1)]
    response = volunteer.post("/scans/batch", {"checkpoint": gate.pk, "rows": rows})
    assert response.status_code == 422
    assert Scan.objects.count() == 0


def test_the_revocation_list_gives_keys_rules_and_changes_since(volunteer, world, gate, token):
    full = volunteer.get("/passes/revocations", checkpoint=gate.pk).json()
    assert full["community"] == world.community.pk
    assert token.split(".")[1] in full["keys"]
    assert (full["fever_temperature"], full["expiry_warning_days"]) == ("37.3", 3)
    assert [(c["version"], c["status"], c["name"]) for c in full["changes"]] == [
        (1, "valid", "单*")
    ]
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        pass_revoke(
            actor=world.community_staff, pass_=world.shan.checkpoint_pass, reason="冒用他人证件"
        )
    since = volunteer.get(
        "/passes/revocations", checkpoint=gate.pk, since=full["server_time"]
    ).json()
    assert [c["status"] for c in since["changes"]] == ["revoked"]
    later = (NOW + datetime.timedelta(hours=2)).isoformat()
    assert (
        volunteer.get("/passes/revocations", checkpoint=gate.pk, since=later).json()["changes"]
        == []
    )


def test_the_revocation_list_gives_each_pass_its_building_and_the_gates_buildings(
    volunteer, world, gate, token
):
    neighbour = pass_issue(actor=world.neighbour_worker, person=world.neighbour)
    everyone = volunteer.get("/passes/revocations", checkpoint=gate.pk).json()
    assert everyone["buildings"] == []
    assert {c["id"]: c["building"] for c in everyone["changes"]} == {
        world.shan.checkpoint_pass.pk: world.building_a.pk,
        neighbour.pk: world.neighbour.household.building_id,
    }
    gate.buildings.set([world.building_a])
    # A later sync with ``since`` has no pass changes, but the gate's buildings in full.
    since = volunteer.get(
        "/passes/revocations", checkpoint=gate.pk, since=everyone["server_time"]
    ).json()
    assert (since["buildings"], since["changes"]) == ([world.building_a.pk], [])


def test_the_revocation_list_tells_isolation_apart_from_a_revocation(volunteer, world, gate, token):
    observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=NOW.date(),
    )
    zeng = pass_issue(actor=world.grid_worker, person=world.zeng)
    pass_revoke(actor=world.community_staff, pass_=zeng, reason="冒用他人证件")
    neighbour = pass_issue(actor=world.neighbour_worker, person=world.neighbour)
    changes = volunteer.get("/passes/revocations", checkpoint=gate.pk).json()["changes"]
    assert {c["id"]: (c["status"], c["revoke_reason"]) for c in changes} == {
        world.shan.checkpoint_pass.pk: ("revoked", RevokeReason.ISOLATION),
        zeng.pk: ("revoked", RevokeReason.MANUAL),
        neighbour.pk: ("valid", ""),
    }


def test_lookup_by_building_and_door_lists_the_household_with_and_without_passes(
    volunteer, gate, token
):
    body = volunteer.get(f"/checkpoints/{gate.pk}/residents", building="5号楼", door="301").json()
    assert [(c["display_name"], c["has_pass"]) for c in body["candidates"]] == [
        ("单*", True),
        ("曾*", False),
        ("单**", False),
    ]


def test_lookup_stays_inside_the_checkpoints_community(volunteer, gate):
    body = volunteer.get(f"/checkpoints/{gate.pk}/residents", building="和平里", door="12").json()
    assert body["candidates"] == []
    body = volunteer.get(f"/checkpoints/{gate.pk}/residents", surname="李", id_last4="0032").json()
    assert body["candidates"] == []


def test_lookup_needs_a_complete_pair(volunteer, gate):
    response = volunteer.get(f"/checkpoints/{gate.pk}/residents", surname="单")
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": [str(ERR_LOOKUP_PAIR)]}
