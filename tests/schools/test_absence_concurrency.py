"""Copies sent at the same moment (PostgreSQL): eight copies of one follow-up keep one
(201 once, 200 for the others); eight guardian reports open one absence; certificates
issued at once for different pupils take different numbers."""

import datetime
import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.schools.absence_services import absence_report_by_guardian
from shoumen.schools.diseases import diseases_ensure
from shoumen.schools.guardian_links import guardian_link_issue
from shoumen.schools.models import Absence, AbsenceFollowUp, Pupil, ReturnCertificate
from shoumen.schools.return_services import certificate_issue
from tests.concurrency import at_once, postgresql_only, world_for_threads
from tests.schools.test_absence_world import open_absence

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_follow_up_keep_one():
    world = world_for_threads()
    absence = open_absence(world.pupil("张小明"), first_day=today())
    _token, raw = api_token_create(actor=None, user=world.school_doctor)
    body = json.dumps({"client_uuid": str(uuid.uuid4()), "date": today().isoformat()})
    url = f"/api/v1/absences/{absence.pk}/follow-ups"

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        return client.post(url, body, content_type="application/json").status_code

    assert sorted(at_once(send)) == [200] * 7 + [201]
    assert AbsenceFollowUp.objects.filter(absence=absence).count() == 1
    assert AuditEvent.objects.filter(action="absence.follow_up").count() == 1


def test_eight_guardian_reports_at_once_open_one_absence():
    world = world_for_threads()
    link = guardian_link_issue(actor=world.school_doctor, pupil=world.pupil("王小刚"))

    def send(_i):
        absence, opened = absence_report_by_guardian(link=link, date=today(), symptoms=["fever"])
        return opened

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert Absence.objects.filter(pupil__name="王小刚").count() == 1


def test_certificates_issued_at_once_take_different_numbers():
    world = world_for_threads()
    # A transactional test before this one may have flushed the seeded diseases.
    diseases_ensure()
    names = ["张小明", "李小红", "王小刚", "赵小丽"]
    onset = today() - datetime.timedelta(days=30)
    absences = [
        open_absence(world.pupil(name), first_day=onset, onset=onset, disease_code="varicella")
        for name in names
    ]
    Pupil.objects.filter(name__in=names).update(return_pending=True)

    def send(i):
        return certificate_issue(actor=world.school_doctor, absence=absences[i]).number

    numbers = at_once(send, copies=len(names))
    assert len(set(numbers)) == len(names)
    assert ReturnCertificate.objects.count() == len(names)
