import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shoumen.alerts.models import Alert, Cause
from shoumen.checkpoints import signing
from shoumen.checkpoints.models import Checkpoint, Direction, Scan, Verdict, VerdictReason
from shoumen.checkpoints.scan_services import ERR_SCAN_OLD, scans_record
from shoumen.checkpoints.services import pass_check, pass_issue, pass_revoke, pass_token

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


def scan(token, **overrides):
    return {
        "client_uuid": uuid.uuid4(),
        "token": token,
        "direction": Direction.IN,
        "temperature": Decimal("36.5"),
        **overrides,
    }


def test_a_replayed_batch_adds_nothing(world, gate, token):
    rows = [scan(token), scan(token, direction=Direction.OUT)]
    first = scans_record(actor=world.volunteer, checkpoint=gate, rows=rows)
    again = scans_record(actor=world.volunteer, checkpoint=gate, rows=rows)
    assert [r.result for r in first] == ["created", "created"]
    assert [r.result for r in again] == ["unchanged", "unchanged"]
    assert Scan.objects.count() == 2


def test_an_offline_scan_of_a_pass_revoked_meanwhile_is_flagged(world, gate, token):
    pass_revoke(actor=world.community_staff, pass_=world.shan.checkpoint_pass, reason="冒用")
    offline = scan(
        token, offline=True, verdict=Verdict.ALLOW, scanned_at=NOW - datetime.timedelta(hours=1)
    )
    (result,) = scans_record(actor=world.volunteer, checkpoint=gate, rows=[offline])
    assert (result.scan.verdict, result.scan.reason, result.scan.flagged) == (
        Verdict.ALLOW,
        VerdictReason.REVOKED,
        True,
    )


def test_an_offline_scan_of_a_good_pass_is_not_flagged(world, gate, token):
    (result,) = scans_record(
        actor=world.volunteer,
        checkpoint=gate,
        rows=[scan(token, offline=True, verdict=Verdict.ALLOW)],
    )
    assert (result.scan.verdict, result.scan.flagged, result.scan.offline) == (
        Verdict.ALLOW,
        False,
        True,
    )


def test_a_fever_at_the_gate_raises_an_alert_for_community_staff(world, gate, token):
    (result,) = scans_record(
        actor=world.volunteer, checkpoint=gate, rows=[scan(token, temperature=Decimal("38.1"))]
    )
    assert (result.scan.verdict, result.scan.reason) == (Verdict.DENY, VerdictReason.FEVER)
    alert = Alert.objects.get()
    assert (alert.cause, alert.person, alert.owner) == (
        Cause.FEVER,
        world.shan,
        world.community_staff,
    )


def test_scans_older_than_a_week_are_refused(world, gate, token):
    old = scan(token, scanned_at=NOW - datetime.timedelta(days=8))
    (result,) = scans_record(actor=world.volunteer, checkpoint=gate, rows=[old])
    assert result.errors == {"scanned_at": [str(ERR_SCAN_OLD % {"days": 7})]}


def test_a_volunteer_scans_only_at_their_own_communitys_posts(world, token):
    other = Checkpoint.objects.create(community=world.unit("C2"), name="南门")
    with pytest.raises(PermissionDenied):
        scans_record(actor=world.volunteer, checkpoint=other, rows=[scan(token)])


def test_a_batch_decides_every_row_as_the_online_check_does(world, gate):
    gate.buildings.set([world.building_a])
    good = pass_issue(actor=world.grid_worker, person=world.shan)
    elsewhere = pass_issue(actor=world.admin_user, person=world.neighbour)
    old_token = pass_token(elsewhere)
    elsewhere = pass_issue(actor=world.admin_user, person=world.neighbour)

    def signed(pass_, **claims):
        values = {
            "pass_id": pass_.pk,
            "person_id": pass_.person_id,
            "community_id": pass_.community_id,
            "valid_until": pass_.valid_until,
            "version": pass_.version,
            **claims,
        }
        return signing.sign(signing.PassClaims(**values))

    tokens = [
        pass_token(good),
        pass_token(elsewhere),
        old_token,
        signed(good, valid_until=NOW.date() + datetime.timedelta(days=1)),
        signed(good, valid_until=NOW.date() - datetime.timedelta(days=1)),
        signed(good, community_id=world.unit("C2").pk),
        signed(good, person_id=world.neighbour.pk),
        signed(good, pass_id=good.pk + elsewhere.pk + 1),
        pass_token(good)[:-4] + "AAAA",
    ]
    rows = [scan(t) for t in tokens] + [scan(pass_token(good), temperature=Decimal("38.0"))]
    expected = [
        pass_check(token=r["token"], checkpoint=gate, day=NOW.date(), temperature=r["temperature"])
        for r in rows
    ]
    recorded = scans_record(actor=world.volunteer, checkpoint=gate, rows=rows)
    got = [(r.scan.verdict, r.scan.reason, r.scan.checkpoint_pass_id) for r in recorded]
    assert got == [(e.verdict, e.reason, e.facts.pass_id if e.facts else None) for e in expected]
    assert {e.reason for e in expected} == {
        VerdictReason.OK,
        VerdictReason.BUILDING,
        VerdictReason.OLD_VERSION,
        VerdictReason.EXPIRING,
        VerdictReason.EXPIRED,
        VerdictReason.OTHER_COMMUNITY,
        VerdictReason.FORGED,
        VerdictReason.FEVER,
    }


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(world, gate, token):
    def queries(count: int) -> int:
        rows = [scan(token) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            scans_record(actor=world.volunteer, checkpoint=gate, rows=rows)
        return len(captured)

    queries(1)  # the alert rules are created on first use
    assert queries(2) == queries(40)
