import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine

from shoumen.checkpoints.models import Checkpoint, Direction, PassStatus
from shoumen.checkpoints.scan_services import scans_record
from shoumen.checkpoints.selectors import pass_changes_since, traffic_by_hour
from shoumen.checkpoints.services import pass_issue, pass_revoke, pass_token

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_traffic_counts_entries_exits_denials_and_fevers_per_hour(world):
    gate = Checkpoint.objects.create(community=world.community, name="北门")
    token = pass_token(pass_issue(actor=world.grid_worker, person=world.shan))
    at8 = NOW - datetime.timedelta(hours=1)

    def row(direction, temperature="36.5", at=NOW):
        return {
            "client_uuid": uuid.uuid4(),
            "token": token,
            "direction": direction,
            "temperature": Decimal(temperature),
            "scanned_at": at,
        }

    rows = [
        row(Direction.OUT, at=at8),
        row(Direction.IN, at=at8),
        row(Direction.IN),
        row(Direction.IN, temperature="38.0"),
        {**row(Direction.IN), "token": "forged"},
    ]
    scans_record(actor=world.volunteer, checkpoint=gate, rows=rows)
    assert traffic_by_hour(gate, NOW.date()) == [
        {"hour": 8, "entries": 1, "exits": 1, "denials": 0, "fevers": 0, "flagged": 0},
        {"hour": 9, "entries": 1, "exits": 0, "denials": 2, "fevers": 1, "flagged": 0},
    ]


def test_an_offline_phone_learns_revocations_and_reissues_since_its_last_sync(world):
    gate = Checkpoint.objects.create(community=world.community, name="北门")
    shan = pass_issue(actor=world.grid_worker, person=world.shan)
    zeng = pass_issue(actor=world.grid_worker, person=world.zeng)
    synced_at = NOW
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        pass_revoke(actor=world.community_staff, pass_=shan, reason="冒用")
        pass_issue(actor=world.grid_worker, person=world.zeng)
    changes = pass_changes_since(gate, synced_at)
    assert [(c["id"], c["version"], c["status"]) for c in changes] == [
        (shan.pk, 1, PassStatus.REVOKED),
        (zeng.pk, 2, PassStatus.VALID),
    ]
    assert len(pass_changes_since(gate, None)) == 2
