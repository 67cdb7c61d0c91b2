"""The volunteer's resident lookup answers a verdict, a masked name and a place, never the
signed pass token; every lookup is audited and lookups are limited per volunteer."""

import datetime
import uuid

import pytest
import time_machine

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.lookup import ERR_NO_PASS, ERR_NOT_FOUND, REASON_NO_PASS_LABEL
from shoumen.checkpoints.models import Checkpoint, Scan, VerdictReason
from shoumen.checkpoints.services import pass_issue, pass_revoke, pass_token
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from tests.personas import ID_SHAN

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
def shan_pass(world):
    return pass_issue(actor=world.grid_worker, person=world.shan)


@pytest.fixture
def volunteer(api, world):
    return api(world.volunteer)


def _by_door(volunteer, gate):
    return volunteer.get(f"/checkpoints/{gate.pk}/residents", building="5号楼", door="301")


def _candidates(volunteer, gate):
    return {c["display_name"]: c for c in _by_door(volunteer, gate).json()["candidates"]}


def _lookup_events(gate):
    return AuditEvent.objects.filter(action="checkpoint.lookup", target_id=str(gate.pk))


def test_lookup_answers_a_verdict_and_never_the_pass_token(volunteer, gate, shan_pass):
    response = volunteer.get(
        f"/checkpoints/{gate.pk}/residents", surname="单", id_last4=ID_SHAN[-4:]
    )
    (candidate,) = response.json()["candidates"]
    assert candidate == {
        "person": candidate["person"],
        "display_name": "单*",
        "place": "5号楼 2",
        "has_pass": True,
        "may_pass": True,
        "verdict": "allow",
        "reason": "ok",
        "reason_label": str(VerdictReason.OK.label),
    }
    text = response.content.decode()
    assert pass_token(shan_pass) not in text
    assert "SM1." not in text


def test_forty_eight_lookups_by_building_and_door_collect_no_token_and_are_audited(
    volunteer, world, gate, shan_pass
):
    zeng_pass = pass_issue(actor=world.grid_worker, person=world.zeng)
    tokens = {pass_token(shan_pass), pass_token(zeng_pass)}
    bodies = [_by_door(volunteer, gate) for _ in range(48)]
    assert {r.status_code for r in bodies} == {200}
    collected = "".join(r.content.decode() for r in bodies)
    assert not any(token in collected for token in tokens)
    assert "SM1." not in collected
    events = _lookup_events(gate)
    assert events.count() == 48
    event = events.first()
    assert event.actor_id == world.volunteer.pk
    assert event.org_path == world.community.path
    assert event.changes == {
        "by": "door",
        "found": sorted([world.shan.pk, world.zeng.pk, world.person("单小宝").pk]),
    }


def test_the_lookup_audit_keeps_no_typed_surname_or_id_digits(volunteer, gate, shan_pass):
    volunteer.get(f"/checkpoints/{gate.pk}/residents", surname="单", id_last4=ID_SHAN[-4:])
    event = _lookup_events(gate).get()
    assert event.changes["by"] == "name"
    stored = str(event.changes) + event.reason
    assert ID_SHAN[-4:] not in stored and "单" not in stored


def test_lookup_says_why_a_resident_may_not_pass(volunteer, world, gate, shan_pass):
    zeng_pass = pass_issue(actor=world.grid_worker, person=world.zeng)
    pass_revoke(actor=world.community_staff, pass_=zeng_pass, reason="冒用他人证件")
    found = _candidates(volunteer, gate)
    assert (found["曾*"]["may_pass"], found["曾*"]["reason"]) == (False, "revoked")
    assert (found["单**"]["may_pass"], found["单**"]["reason"]) == (False, "no_pass")
    assert found["单**"]["reason_label"] == str(REASON_NO_PASS_LABEL)
    assert (found["单*"]["may_pass"], found["单*"]["verdict"]) == (True, "allow")


def test_lookup_says_a_resident_under_isolation_may_not_pass(volunteer, world, gate, shan_pass):
    observation_start(
        actor=world.community_staff,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=NOW.date(),
    )
    found = _candidates(volunteer, gate)
    assert (found["单*"]["may_pass"], found["单*"]["reason"]) == (False, "isolation")


def test_lookup_says_a_building_not_served_by_this_checkpoint(volunteer, world, gate, shan_pass):
    other = world.building_a.__class__.objects.exclude(pk=world.building_a.pk).first()
    gate.buildings.set([other])
    found = _candidates(volunteer, gate)
    assert (found["单*"]["may_pass"], found["单*"]["reason"]) == (False, "building")


def test_lookups_over_the_rate_are_refused_and_not_run(volunteer, gate, shan_pass, settings):
    settings.CHECKPOINT_LOOKUP_RATE = "3/m"
    statuses = [_by_door(volunteer, gate).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = _by_door(volunteer, gate)
    assert "SM1." not in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"]
    assert _lookup_events(gate).count() == 3


def test_the_lookup_limit_is_per_volunteer(api, world, gate, shan_pass, settings):
    settings.CHECKPOINT_LOOKUP_RATE = "2/m"
    first, second = api(world.volunteer), api(world.community_staff)
    assert [_by_door(first, gate).status_code for _ in range(3)] == [200, 200, 429]
    assert _by_door(second, gate).status_code == 200


def _record(volunteer, gate, person, **overrides):
    body = {"client_uuid": str(uuid.uuid4()), "direction": "in", **overrides}
    return volunteer.post(f"/checkpoints/{gate.pk}/residents/{person.pk}/scans", body)


def test_a_resident_found_by_the_lookup_is_recorded_as_a_scan_of_their_pass(
    volunteer, world, gate, shan_pass
):
    uid = str(uuid.uuid4())
    response = _record(volunteer, gate, world.shan, client_uuid=uid, temperature="38.2")
    body = response.json()
    assert (response.status_code, body["result"], body["verdict"], body["reason"]) == (
        200,
        "created",
        "deny",
        "fever",
    )
    assert "SM1." not in response.content.decode()
    scan = Scan.objects.get()
    assert (scan.person_id, scan.checkpoint_pass_id, str(scan.temperature)) == (
        world.shan.pk,
        shan_pass.pk,
        "38.2",
    )
    replay = _record(volunteer, gate, world.shan, client_uuid=uid, temperature="38.2").json()
    assert replay["result"] == "unchanged"
    assert Scan.objects.count() == 1


def test_recording_a_resident_without_a_pass_is_refused(volunteer, world, gate):
    response = _record(volunteer, gate, world.zeng)
    assert response.status_code == 422
    assert response.json()["errors"] == {"person": [str(ERR_NO_PASS)]}
    assert not Scan.objects.exists()


def test_recording_a_resident_of_another_community_is_refused(volunteer, world, gate):
    pass_issue(actor=world.admin_user, person=world.outsider_person)
    response = _record(volunteer, gate, world.outsider_person)
    assert response.status_code == 422
    assert response.json()["errors"] == {"person": [str(ERR_NOT_FOUND)]}
    assert not Scan.objects.exists()
