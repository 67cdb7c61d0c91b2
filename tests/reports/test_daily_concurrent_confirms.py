"""Eight confirms of one community's day sent at the same moment: the report is kept once,
one copy answers 201 and the others 200 with the same report (never a 500), and one audit
event is written."""

import datetime

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.reports.models import DailyReport
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

AFTERNOON = datetime.datetime(
    2026, 11, 30, 15, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)


def test_eight_confirms_at_once_keep_one_report():
    with time_machine.travel(AFTERNOON, tick=False):
        world = world_for_threads()
        day = today()
        DailyReport.objects.filter(unit=world.community).delete()
        clients = []
        for _ in range(COPIES):
            _token, raw = api_token_create(actor=None, user=world.community_staff)
            clients.append(
                Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
            )
        url = f"/api/v1/daily-reports/{world.community.pk}/confirm"
        events = AuditEvent.objects.filter(action="reports.daily_report_confirm").count()
        answers = at_once(lambda i: clients[i].post(url, "{}", content_type="application/json"))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (COPIES - 1) + [201]
    assert len({a.json()["confirmed_at"] for a in answers}) == 1
    assert DailyReport.objects.filter(unit=world.community, date=day).count() == 1
    assert AuditEvent.objects.filter(action="reports.daily_report_confirm").count() == events + 1
