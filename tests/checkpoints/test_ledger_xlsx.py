"""The checkpoint ledger of one post and day as .xlsx."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint, Direction
from shoumen.checkpoints.reports import XLSX_CONTENT_TYPE
from shoumen.checkpoints.scan_services import scans_record
from shoumen.checkpoints.services import pass_issue, pass_token
from shoumen.checkpoints.visitor_services import visitor_register

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    gate = Checkpoint.objects.create(community=world.community, name="北门")
    token = pass_token(pass_issue(actor=world.grid_worker, person=world.shan))
    scans_record(
        actor=world.volunteer,
        checkpoint=gate,
        rows=[
            {
                "client_uuid": uuid.uuid4(),
                "token": token,
                "direction": Direction.IN,
                "temperature": Decimal("36.4"),
                "scanned_at": NOW,
            }
        ],
    )
    visitor_register(
        actor=world.volunteer,
        checkpoint=gate,
        client_uuid=uuid.uuid4(),
        name="访客甲",
        phone="13912345678",
        household=world.household_a,
        reason="探望老人",
    )
    return gate


def _download(client, gate, day="2026-11-20"):
    return client.get(reverse("checkpoints:ledger", args=[gate.pk]), {"day": day})


def test_the_ledger_has_a_title_a_frozen_header_and_masked_names(world, login, gate):
    response = _download(login(world.volunteer), gate)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    passes, visitors = book.worksheets
    assert "北门" in passes["A1"].value and "2026-11-20" in passes["A1"].value
    assert passes.freeze_panes == "A3"
    assert passes.column_dimensions["C"].width == 12
    header = [c.value for c in passes[2]]
    row = [c.value for c in passes[3]]
    assert len(header) == len(row) == 10
    assert row[:2] == [1, "09:30:00"] and row[2] == "单*" and row[4] == 36.4
    assert passes.max_row == 3

    visitor = [c.value for c in visitors[3]]
    assert visitor[3] == "访**" and visitor[4] == "****5678"
    assert visitor[5] == world.household_a.label
    assert visitors.freeze_panes == "A3"
    cells = " ".join(str(c.value) for ws in book.worksheets for r in ws for c in r)
    assert "单明" not in cells and "访客甲" not in cells and "13912345678" not in cells


def test_downloading_the_ledger_is_audited(world, login, gate):
    _download(login(world.community_staff), gate)
    event = AuditEvent.objects.get(action="checkpoint.ledger_export")
    assert (event.actor, event.changes) == (
        world.community_staff,
        {"day": "2026-11-20", "scans": 1, "visitors": 1},
    )


def test_another_day_has_an_empty_ledger(world, login, gate):
    book = load_workbook(io.BytesIO(_download(login(world.volunteer), gate, "2026-11-19").content))
    assert [ws.max_row for ws in book.worksheets] == [2, 2]
