"""Return to class (复课): the certificate after the isolation period (day N-1 refused, day N
issued), numbering, the class teacher's admission, and the printable PDF."""

import base64
import datetime
import re
import zlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.schools.models import AbsenceStatus, Pupil, ReturnCertificate
from shoumen.schools.return_services import (
    ERR_HOSPITAL_CERTIFICATE,
    ERR_ISOLATION,
    ERR_NO_CERTIFICATE_NEEDED,
    ERR_NOT_ISSUED,
    certificate_issue,
    return_admit,
)
from tests.schools.test_absence_world import NOW, TODAY, open_absence

pytestmark = pytest.mark.django_db

VARICELLA_DAYS = 14  # the seeded isolation period


def _unescape(literal: bytes) -> bytes:
    literal = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), literal)
    return re.sub(rb"\\(.)", rb"\1", literal)


def _pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages: each page stream (ASCII85 and Flate, as ReportLab writes
    them) and its strings in the CID font's UCS-2 encoding."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        except (ValueError, zlib.error):
            continue
        for literal in re.findall(rb"\((.*?)(?<!\\)\) Tj", content):
            shown.append(_unescape(literal).decode("utf-16-be", errors="ignore"))
    return "\n".join(shown)


def _blocked(pupil):
    Pupil.objects.filter(pk=pupil.pk).update(return_pending=True)


def _varicella(world, name="张小明", onset_days_ago=VARICELLA_DAYS):
    pupil = world.pupil(name)
    _blocked(pupil)
    onset = TODAY - datetime.timedelta(days=onset_days_ago)
    return open_absence(pupil, first_day=onset, onset=onset, disease_code="varicella")


@pytest.mark.parametrize(
    ("days_since_onset", "issued"), [(VARICELLA_DAYS - 1, False), (VARICELLA_DAYS, True)]
)
def test_certificate_waits_for_the_isolation_period(world, days_since_onset, issued):
    absence = _varicella(world, onset_days_ago=days_since_onset)
    with time_machine.travel(NOW, tick=False):
        if issued:
            certificate_issue(actor=world.school_doctor, absence=absence)
            assert ReturnCertificate.objects.filter(absence=absence).exists()
        else:
            with pytest.raises(ValidationError) as exc:
                certificate_issue(actor=world.school_doctor, absence=absence)
            earliest = (TODAY + datetime.timedelta(days=1)).isoformat()
            assert exc.value.messages == [str(ERR_ISOLATION % {"date": earliest})]


def test_isolation_counts_from_the_first_day_when_the_onset_is_unknown(world):
    pupil = world.pupil("张小明")
    absence = open_absence(
        pupil, first_day=TODAY - datetime.timedelta(days=VARICELLA_DAYS), disease_code="varicella"
    )
    with time_machine.travel(NOW, tick=False):
        certificate_issue(actor=world.school_doctor, absence=absence)


def test_certificate_needs_the_hospital_certificate_checked(world):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        certificate_issue(
            actor=world.school_doctor, absence=absence, hospital_certificate_checked=False
        )
    assert exc.value.message_dict == {
        "hospital_certificate_checked": [str(ERR_HOSPITAL_CERTIFICATE)]
    }


def test_no_certificate_for_a_diagnosis_that_needs_none(world):
    absence = open_absence(world.pupil("张小明"), disease_code="common_cold")
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        certificate_issue(actor=world.school_doctor, absence=absence)
    assert exc.value.messages == [str(ERR_NO_CERTIFICATE_NEEDED)]


def test_certificates_are_numbered_per_school_and_year(world):
    first, second = _varicella(world, "张小明"), _varicella(world, "李小红")
    with time_machine.travel(NOW, tick=False):
        a = certificate_issue(actor=world.school_doctor, absence=first)
        b = certificate_issue(actor=world.school_doctor, absence=second)
    assert (a.number, b.number) == ("FK-SCH1-2026-0001", "FK-SCH1-2026-0002")
    first.refresh_from_db()
    assert first.status == AbsenceStatus.AWAITING_RETURN


def test_class_teacher_cannot_issue_a_certificate(world):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False), pytest.raises(PermissionDenied):
        certificate_issue(actor=world.teacher, absence=absence)


def test_class_teacher_admits_after_the_certificate_and_the_checks_resume(world):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False):
        certificate_issue(actor=world.school_doctor, absence=absence)
        return_admit(actor=world.teacher, absence=absence)
    absence.refresh_from_db()
    assert (absence.status, absence.returned_on) == (AbsenceStatus.RETURNED, TODAY)
    assert Pupil.objects.get(name="张小明").return_pending is False
    certificate = ReturnCertificate.objects.get(absence=absence)
    assert certificate.admitted_by == world.teacher
    assert AuditEvent.objects.filter(action="return.admit").count() == 1


def test_admission_before_the_certificate_is_refused_and_the_block_stays(world):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        return_admit(actor=world.teacher, absence=absence)
    assert exc.value.messages == [str(ERR_NOT_ISSUED)]
    assert Pupil.objects.get(name="张小明").return_pending is True


def test_the_other_classs_teacher_cannot_admit(world):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False):
        certificate_issue(actor=world.school_doctor, absence=absence)
        with pytest.raises(PermissionDenied):
            return_admit(actor=world.other_teacher, absence=absence)


def test_certificate_pdf_has_real_text_and_the_export_is_audited(world, login):
    absence = _varicella(world)
    with time_machine.travel(NOW, tick=False):
        certificate = certificate_issue(actor=world.school_doctor, absence=absence)
        response = login(world.teacher).get(reverse("schools:certificate_pdf", args=[absence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content
    text = _pdf_text(response.content)
    assert certificate.number in text and "张小明" in text and "水痘" in text
    event = AuditEvent.objects.get(action="return_certificate.export")
    assert event.changes["number"] == certificate.number


def test_certificate_issue_page_flow(world, login):
    absence = _varicella(world)
    client = login(world.school_doctor)
    url = reverse("schools:certificate_new", args=[absence.pk])
    with time_machine.travel(NOW, tick=False):
        refused = client.post(url, {})
        assert refused.status_code == 400
        assert not ReturnCertificate.objects.exists()
        done = client.post(url, {"hospital_certificate_checked": "on"})
    assert done.status_code == 302
    assert ReturnCertificate.objects.filter(absence=absence).exists()
