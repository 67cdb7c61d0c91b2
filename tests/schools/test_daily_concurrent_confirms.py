"""Eight confirms of one school's day sent at the same moment: the report is kept once,
one copy answers 201 and the others 200 with the same report (never a 500), and one
audit event is written."""

import datetime

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.schools.calendar import is_working_day
from shoumen.schools.models import ClassCheck, DailyReport
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads
from tests.schools.daily_helpers import all_in, at

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

FRIDAY = at(datetime.date(2026, 10, 9), 15, 0)


def test_eight_confirms_at_once_keep_one_report():
    with time_machine.travel(FRIDAY, tick=False):
        world = world_for_threads()
        day = today()
        assert is_working_day(day)
        DailyReport.objects.filter(school=world.school).delete()
        ClassCheck.objects.filter(school=world.school, date=day).delete()
        all_in(world.school, day)
        clients = []
        for _ in range(COPIES):
            _token, raw = api_token_create(actor=None, user=world.school_doctor)
            clients.append(
                Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
            )
        url = f"/api/v1/school-reports/{world.school.pk}/confirm"
        events = AuditEvent.objects.filter(action="school.daily_report_confirm").count()
        answers = at_once(lambda i: clients[i].post(url, "{}", content_type="application/json"))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (COPIES - 1) + [201]
    assert len({a.json()["confirmed_at"] for a in answers}) == 1
    assert DailyReport.objects.filter(school=world.school, date=day).count() == 1
    assert AuditEvent.objects.filter(action="school.daily_report_confirm").count() == events + 1
