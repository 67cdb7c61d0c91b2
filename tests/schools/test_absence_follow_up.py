"""The designated person's daily follow-up of an illness absence: idempotent on the client
UUID, the diagnosis it records, the certificate rule, a return without one, the call."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.schools.absence_services import (
    ERR_ABSENCE_CLOSED,
    ERR_CERTIFICATE_NEEDED,
    ERR_FOLLOW_UP_DATE,
    ERR_NO_PHONE,
    absence_close_returned,
    absence_follow_up_record,
    absence_guardian_call,
)
from shoumen.schools.models import AbsenceFollowUp, AbsenceStatus, Course, Pupil
from tests.schools.test_absence_world import (
    GUARDIAN_PHONE,
    NOW,
    TODAY,
    add_guardian,
    open_absence,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _record(world, absence, **kwargs):
    values = {"client_uuid": uuid.uuid4(), "date": TODAY, "reached": True, **kwargs}
    return absence_follow_up_record(actor=world.school_doctor, absence=absence, **values)


def test_school_doctor_records_a_follow_up_and_a_replay_changes_nothing(world):
    absence = open_absence(world.pupil("张小明"))
    key = uuid.uuid4()
    first, created = _record(world, absence, client_uuid=key, course=Course.SAME, note="在家休息")
    again, replay = _record(world, absence, client_uuid=key, course=Course.WORSE)
    assert (created, replay) == (True, False)
    assert again.pk == first.pk and again.course == Course.SAME
    assert AbsenceFollowUp.objects.filter(absence=absence).count() == 1
    assert AuditEvent.objects.filter(action="absence.follow_up").count() == 1


def test_class_teacher_cannot_follow_up(world):
    absence = open_absence(world.pupil("张小明"))
    with pytest.raises(PermissionDenied):
        absence_follow_up_record(
            actor=world.teacher, absence=absence, client_uuid=uuid.uuid4(), date=TODAY
        )
    assert not AbsenceFollowUp.objects.exists()


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, False), (0, True)],
)
def test_follow_up_date_from_the_first_day_absent(world, offset, accepted):
    first_day = TODAY - datetime.timedelta(days=2)
    absence = open_absence(world.pupil("张小明"), first_day=first_day)
    day = first_day + datetime.timedelta(days=offset)
    if accepted:
        _record(world, absence, date=day)
    else:
        with pytest.raises(ValidationError) as exc:
            _record(world, absence, date=day)
        assert exc.value.message_dict == {"date": [str(ERR_FOLLOW_UP_DATE)]}


@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (1, False)])
def test_follow_up_date_up_to_today(world, offset, accepted):
    absence = open_absence(world.pupil("张小明"))
    day = TODAY + datetime.timedelta(days=offset)
    if accepted:
        _record(world, absence, date=day)
    else:
        with pytest.raises(ValidationError):
            _record(world, absence, date=day)


def test_a_diagnosis_needing_a_certificate_blocks_the_pupils_checks_at_once(world):
    absence = open_absence(world.pupil("张小明"))
    _record(world, absence, disease_code="varicella", course=Course.SAME)
    absence.refresh_from_db()
    assert absence.disease.code == "varicella"
    assert absence.status == AbsenceStatus.OPEN
    assert Pupil.objects.get(name="张小明").return_pending is True


def test_recovered_with_such_a_diagnosis_waits_for_the_return(world):
    absence = open_absence(world.pupil("张小明"), disease_code="varicella")
    _record(world, absence, course=Course.RECOVERED)
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.AWAITING_RETURN


def test_a_diagnosis_needing_no_certificate_leaves_the_pupil_free(world):
    absence = open_absence(world.pupil("张小明"))
    _record(world, absence, disease_code="common_cold", course=Course.RECOVERED)
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.OPEN
    assert Pupil.objects.get(name="张小明").return_pending is False


def test_a_corrected_diagnosis_lifts_the_block(world):
    absence = open_absence(world.pupil("张小明"))
    _record(world, absence, disease_code="varicella")
    _record(world, absence, disease_code="common_cold")
    assert Pupil.objects.get(name="张小明").return_pending is False


def test_an_unknown_diagnosis_is_refused(world):
    absence = open_absence(world.pupil("张小明"))
    with pytest.raises(ValidationError) as exc:
        _record(world, absence, disease_code="nonsense")
    assert "disease" in exc.value.message_dict


def test_return_without_certificate_closes_the_absence(world):
    absence = open_absence(world.pupil("张小明"), first_day=TODAY - datetime.timedelta(days=1))
    absence_close_returned(actor=world.school_doctor, absence=absence, date=TODAY)
    absence.refresh_from_db()
    assert (absence.status, absence.returned_on) == (AbsenceStatus.RETURNED, TODAY)
    with pytest.raises(ValidationError) as exc:
        _record(world, absence)
    assert exc.value.messages == [str(ERR_ABSENCE_CLOSED)]


def test_return_is_refused_when_a_certificate_is_needed(world):
    absence = open_absence(world.pupil("张小明"), disease_code="varicella")
    with pytest.raises(ValidationError) as exc:
        absence_close_returned(actor=world.school_doctor, absence=absence, date=TODAY)
    assert exc.value.messages == [str(ERR_CERTIFICATE_NEEDED)]


def test_the_follow_up_person_calls_the_guardian_in_one_tap_and_it_is_audited(world):
    pupil = world.pupil("张小明")
    absence, guardian = open_absence(pupil), add_guardian(pupil)
    assert absence_guardian_call(actor=world.school_doctor, absence=absence, guardian=guardian) == (
        GUARDIAN_PHONE
    )
    event = AuditEvent.objects.get(action="guardian.call")
    assert GUARDIAN_PHONE not in str(event.changes)


def test_the_class_teacher_does_not_get_the_guardians_phone(world):
    pupil = world.pupil("张小明")
    absence, guardian = open_absence(pupil), add_guardian(pupil)
    with pytest.raises(PermissionDenied):
        absence_guardian_call(actor=world.teacher, absence=absence, guardian=guardian)


def test_another_pupils_guardian_is_not_called_through_this_absence(world):
    absence = open_absence(world.pupil("张小明"))
    stranger = add_guardian(world.pupil("李小红"))
    with pytest.raises(ValidationError) as exc:
        absence_guardian_call(actor=world.school_doctor, absence=absence, guardian=stranger)
    assert exc.value.messages == [str(ERR_NO_PHONE)]
