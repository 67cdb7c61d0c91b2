import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from shoumen.alerts.models import Alert, Cause
from shoumen.checkpoints.models import Checkpoint, Direction, Scan, Verdict, VerdictReason
from shoumen.checkpoints.services import (
    ERR_SCAN_OLD,
    pass_issue,
    pass_revoke,
    pass_token,
    scans_record,
)

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
