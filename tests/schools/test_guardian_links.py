"""Guardians' personal links: a guardian reports a sick day or personal leave; expiry (the
last second works, the expiry itself does not), revocation, a forged token and an old
version all get the same 404 page."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.schools.guardian_links import (
    guardian_link_issue,
    guardian_link_resolve,
    guardian_link_revoke,
    guardian_link_token,
)
from shoumen.schools.models import Absence, AbsenceStatus, GuardianLink
from tests.schools.test_absence_world import NOW, TODAY

pytestmark = pytest.mark.django_db


def _issue(world, name="张小明"):
    with time_machine.travel(NOW, tick=False):
        return guardian_link_issue(actor=world.school_doctor, pupil=world.pupil(name))


def _url(link):
    return reverse("schools:guardian", args=[guardian_link_token(link)])


SICK = {
    "kind": "sick",
    "date": TODAY.isoformat(),
    "symptoms": ["fever", "cough"],
    "onset_date": TODAY.isoformat(),
    "saw_doctor": "on",
    "diagnosis_note": "疑似流感",
}


def test_guardian_page_shows_only_the_masked_name_and_class_and_is_private(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        response = client.get(_url(link))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张**" in body and "张小明" not in body and "一年级1班" in body
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_guardian_reports_a_sick_day_and_the_absence_opens(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        response = client.post(_url(link), SICK)
    assert response.status_code == 302
    absence = Absence.objects.get(pupil=world.pupil("张小明"))
    assert absence.reported_by_guardian and absence.status == AbsenceStatus.OPEN
    assert (absence.first_day, absence.symptoms) == (TODAY, ["fever", "cough"])
    assert absence.saw_doctor and absence.diagnosis_note == "疑似流感"
    event = AuditEvent.objects.get(action="absence.guardian_report")
    assert event.actor_id is None


def test_a_second_report_adds_to_the_open_absence(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        client.post(_url(link), SICK)
        client.post(_url(link), {**SICK, "symptoms": ["rash"], "diagnosis_note": ""})
    absence = Absence.objects.get(pupil=world.pupil("张小明"))
    assert absence.symptoms == ["fever", "cough", "rash"]
    assert absence.diagnosis_note == "疑似流感"


def test_personal_leave_opens_no_follow_up(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        response = client.post(_url(link), {"kind": "personal", "date": TODAY.isoformat()})
    assert response.status_code == 302
    assert not Absence.objects.exists()
    assert AuditEvent.objects.filter(action="pupil.guardian_leave_report").count() == 1


@pytest.mark.parametrize(("days", "ok"), [(0, True), (1, True), (2, False), (-1, False)])
def test_a_guardian_reports_for_today_or_tomorrow(world, client, days, ok):
    link = _issue(world)
    day = (TODAY + datetime.timedelta(days=days)).isoformat()
    with time_machine.travel(NOW, tick=False):
        response = client.post(_url(link), {**SICK, "date": day, "onset_date": ""})
    assert response.status_code == (302 if ok else 400)
    assert Absence.objects.exists() == ok


def test_a_sick_report_says_something(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            _url(link), {"kind": "sick", "date": TODAY.isoformat(), "symptoms": []}
        )
    assert response.status_code == 400
    assert not Absence.objects.exists()


@pytest.mark.parametrize(("seconds_before_expiry", "status"), [(1, 200), (0, 404)])
def test_link_works_until_it_expires(world, client, seconds_before_expiry, status):
    link = _issue(world)
    expires = NOW + datetime.timedelta(days=settings.SHOUMEN_GUARDIAN_LINK_DAYS)
    assert link.expires_at == expires
    with time_machine.travel(
        expires - datetime.timedelta(seconds=seconds_before_expiry), tick=False
    ):
        assert client.get(_url(link)).status_code == status


def test_link_days_is_a_setting(world, settings):
    settings.SHOUMEN_GUARDIAN_LINK_DAYS = 30
    link = _issue(world)
    assert link.expires_at == NOW + datetime.timedelta(days=30)


def test_revoked_forged_and_superseded_links_get_the_same_404(world, client):
    link = _issue(world)
    old_token = guardian_link_token(link)
    with time_machine.travel(NOW, tick=False):
        new = guardian_link_issue(actor=world.school_doctor, pupil=world.pupil("张小明"))
        superseded = client.get(reverse("schools:guardian", args=[old_token]))
        forged = client.get(reverse("schools:guardian", args=[old_token[:-2] + "xx"]))
        guardian_link_revoke(actor=world.school_doctor, link=new, reason="家长换了手机")
        revoked = client.get(_url(new))
    assert new.version == link.version + 1
    pages = {r.status_code for r in (superseded, forged, revoked)}
    assert pages == {404}
    for response in (superseded, forged, revoked):
        assert [t.name for t in response.templates][0] == "schools/absences/guardian_invalid.html"
    assert guardian_link_resolve(guardian_link_token(new)) is None


def test_a_refused_report_through_a_dead_link_writes_nothing(world, client):
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        guardian_link_revoke(actor=world.school_doctor, link=link, reason="家长要求")
        response = client.post(_url(link), SICK)
    assert response.status_code == 404
    assert not Absence.objects.exists()


def test_class_teacher_cannot_issue_a_guardian_link(world):
    with time_machine.travel(NOW, tick=False), pytest.raises(PermissionDenied):
        guardian_link_issue(actor=world.teacher, pupil=world.pupil("张小明"))
    assert not GuardianLink.objects.exists()


def test_follow_up_person_issues_and_shows_the_qr_from_the_page(world, login):
    client = login(world.school_doctor)
    pupil = world.pupil("张小明")
    with time_machine.travel(NOW, tick=False):
        assert (
            client.post(reverse("schools:guardian_link_issue", args=[pupil.pk]), {}).status_code
            == 400
        )
        response = client.post(
            reverse("schools:guardian_link_issue", args=[pupil.pk]), {"confirm": "True"}
        )
        assert response.status_code == 302
        page = client.get(reverse("schools:guardian_link", args=[pupil.pk]))
        png = client.get(reverse("schools:guardian_link_qr", args=[pupil.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    assert png["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="guardian_link.card").count() == 2


def test_probing_for_tokens_is_rate_limited_like_the_residents_links(world, client, settings):
    settings.PUBLIC_PROBE_RATE = "3/m"
    link = _issue(world)
    with time_machine.travel(NOW, tick=False):
        for i in range(3):
            forged = reverse("schools:guardian", args=[f"forged-{i}"])
            assert client.get(forged).status_code == 404
        # Over the limit, even a valid link is refused: the answer tells nothing.
        assert client.get(_url(link)).status_code == 429
