"""The rules of a class check: school days, late entry, the roll, return certificates,
symptoms and temperatures, one check per session, replays and the absences it opens."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.schools import signals
from shoumen.schools.check_services import (
    ERR_FUTURE_DATE,
    ERR_NOT_SCHOOL_DAY,
    ERR_RETURN_PENDING,
    ERR_ROLL,
    ERR_SESSION_DONE,
    ERR_TEMPERATURE,
    ERR_TOO_LATE,
    SessionAlreadyChecked,
    class_check_submit,
)
from shoumen.schools.models import Absence, ClassCheck, Finding

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 9, minute: int = 0):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, minute), TZ), tick=False
    )


def submit(world, *, day, actor=None, klass=None, session="morning", present=None, **kw):
    klass = klass or world.class_a
    if present is None:
        present = klass.pupils.filter(active=True).count() - len(kw.get("absences", []))
    return class_check_submit(
        actor=actor or world.teacher,
        client_uuid=kw.pop("client_uuid", uuid.uuid4()),
        klass=klass,
        date=day,
        session=session,
        present=present,
        **kw,
    )


def messages(exc: ValidationError, field: str) -> list[str]:
    return [str(m) for m in exc.message_dict[field]]


def test_the_one_tap_zero_report_counts_the_whole_roll_present(world):
    day = datetime.date(2026, 10, 13)
    with at(day):
        check, created = submit(world, day=day)
    assert created
    assert (check.enrolled, check.present, check.late) == (3, 3, False)
    assert check.is_zero_report
    assert not Finding.objects.filter(check_record=check).exists()
    event = AuditEvent.objects.get(action="class_check.submit", target_id=str(check.pk))
    assert event.changes["pupils"] == []


def test_a_replay_answers_the_stored_check_and_writes_nothing(world):
    day = datetime.date(2026, 10, 13)
    key = uuid.uuid4()
    with at(day):
        first, created = submit(world, day=day, client_uuid=key)
        events = AuditEvent.objects.count()
        again, created_again = submit(world, day=day, client_uuid=key)
    assert created and not created_again
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == events
    assert ClassCheck.objects.filter(klass=world.class_a).count() == 1


def test_a_second_check_of_the_same_session_is_refused(world):
    day = datetime.date(2026, 10, 13)
    with at(day):
        submit(world, day=day)
        with pytest.raises(SessionAlreadyChecked) as caught:
            submit(world, day=day)
        noon, _ = submit(world, day=day, session="noon")
    assert caught.value.existing.session == "morning"
    assert caught.value.messages == [
        str(
            ERR_SESSION_DONE
            % {"session": caught.value.existing.get_session_display(), "date": "2026-10-13"}
        )
    ]
    assert noon.session == "noon"


def test_a_holiday_is_refused_naming_the_day(world):
    with at(datetime.date(2026, 10, 8)), pytest.raises(ValidationError) as caught:
        submit(world, day=datetime.date(2026, 10, 1))
    assert messages(caught.value, "date") == [ERR_NOT_SCHOOL_DAY % {"date": "2026-10-01"}]


def test_a_make_up_workday_on_a_saturday_is_a_school_day(world):
    day = datetime.date(2026, 10, 10)
    with at(day):
        check, created = submit(world, day=day)
    assert created and check.date == day


def test_a_day_still_to_come_is_refused(world):
    with at(datetime.date(2026, 10, 12), 23, 59), pytest.raises(ValidationError) as caught:
        submit(world, day=datetime.date(2026, 10, 13))
    assert messages(caught.value, "date") == [str(ERR_FUTURE_DATE)]


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (datetime.date(2026, 10, 12), True),  # 1 school day late
        (datetime.date(2026, 10, 10), True),  # 2: the make-up Saturday counts
        (datetime.date(2026, 10, 9), True),  # 3: the limit
        (datetime.date(2026, 10, 8), False),  # 4
    ],
)
def test_late_entry_is_accepted_up_to_three_school_days(world, day, accepted):
    with at(datetime.date(2026, 10, 13)):
        if accepted:
            check, _ = submit(world, day=day)
            assert check.late
        else:
            with pytest.raises(ValidationError) as caught:
                submit(world, day=day)
            assert messages(caught.value, "date") == [
                ERR_TOO_LATE % {"days": 3, "date": day.isoformat()}
            ]


@pytest.mark.parametrize(
    ("day", "accepted"),
    [(datetime.date(2026, 9, 28), True), (datetime.date(2026, 9, 24), False)],
)
def test_late_entry_counts_school_days_over_the_national_day_holiday(world, day, accepted):
    with at(datetime.date(2026, 10, 8)):
        if accepted:
            assert submit(world, day=day)[0].late
        else:
            with pytest.raises(ValidationError):
                submit(world, day=day)


def test_a_check_after_the_session_deadline_is_marked_late(world):
    day = datetime.date(2026, 10, 13)
    with at(day, 9, 59):
        assert not submit(world, day=day)[0].late
    with at(day, 14, 31):
        assert submit(world, day=day, session="noon")[0].late


def test_the_evening_check_is_for_boarding_classes_only(world):
    day = datetime.date(2026, 10, 13)
    with at(day, 20), pytest.raises(ValidationError) as caught:
        submit(world, day=day, session="evening")
    assert "session" in caught.value.message_dict


def test_present_and_absent_must_add_up_to_the_roll(world):
    day = datetime.date(2026, 10, 13)
    with at(day), pytest.raises(ValidationError) as caught:
        submit(world, day=day, present=2)
    assert messages(caught.value, "present") == [
        ERR_ROLL % {"present": 2, "absent": 0, "total": 2, "roll": 3}
    ]
    assert not ClassCheck.objects.exists()


def test_a_pupil_of_another_class_is_refused(world):
    day = datetime.date(2026, 10, 13)
    other = world.pupil("赵小丽")
    with at(day), pytest.raises(ValidationError) as caught:
        submit(world, day=day, absences=[{"pupil_id": other.pk, "kind": "personal"}])
    assert "absences" in caught.value.message_dict


def test_a_pupil_waiting_for_a_certificate_must_be_listed_sick(world):
    day = datetime.date(2026, 10, 13)
    pupil = world.pupil("张小明")
    pupil.return_pending = True
    pupil.save()
    with at(day):
        with pytest.raises(ValidationError) as caught:
            submit(world, day=day)
        text = str(ERR_RETURN_PENDING % {"name": pupil.name})
        assert messages(caught.value, "absences") == [text]
        assert "张小明" in text
        check, _ = submit(
            world, day=day, absences=[{"pupil_id": pupil.pk, "kind": "sick", "symptoms": []}]
        )
    assert check.sick_absent == 1


@pytest.mark.parametrize(
    ("temperature", "ok"), [("33.9", False), ("34.0", True), ("43.0", True), ("43.1", False)]
)
def test_temperature_is_between_34_and_43(world, temperature, ok):
    day = datetime.date(2026, 10, 13)
    pupil = world.pupil("李小红")
    row = {"pupil_id": pupil.pk, "symptoms": ["fever"], "temperature": temperature}
    with at(day):
        if ok:
            check, _ = submit(world, day=day, symptomatic=[row])
            assert check.symptomatic == 1 and check.present == 3
        else:
            with pytest.raises(ValidationError) as caught:
                submit(world, day=day, symptomatic=[row])
            assert messages(caught.value, "symptomatic") == [str(ERR_TEMPERATURE)]


def test_an_unknown_symptom_is_refused(world):
    day = datetime.date(2026, 10, 13)
    row = {"pupil_id": world.pupil("李小红").pk, "symptoms": ["sneezing"]}
    with at(day), pytest.raises(ValidationError) as caught:
        submit(world, day=day, symptomatic=[row])
    assert "sneezing" in messages(caught.value, "symptomatic")[0]


def test_sick_absentees_open_one_absence_each_and_the_signal_follows_commit(
    world, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 10, 13)
    ming, hong, gang = (world.pupil(n) for n in ("张小明", "李小红", "王小刚"))
    sent = []

    def receiver(sender, check, **kwargs):
        sent.append(check.pk)

    signals.class_check_submitted.connect(receiver)
    try:
        with at(day), django_capture_on_commit_callbacks(execute=True):
            check, _ = submit(
                world,
                day=day,
                absences=[
                    {
                        "pupil_id": ming.pk,
                        "kind": "sick",
                        "symptoms": ["fever", "cough"],
                        "onset_date": "2026-10-12",
                        "saw_doctor": True,
                        "diagnosis": "varicella",
                    },
                    {"pupil_id": hong.pk, "kind": "personal"},
                ],
                symptomatic=[{"pupil_id": gang.pk, "symptoms": ["cough"], "temperature": "37.2"}],
            )
        with at(day, 13), django_capture_on_commit_callbacks(execute=True):
            submit(
                world,
                day=day,
                session="noon",
                absences=[{"pupil_id": ming.pk, "kind": "sick", "symptoms": ["fever"]}],
            )
    finally:
        signals.class_check_submitted.disconnect(receiver)
    assert (check.present, check.sick_absent, check.personal_absent, check.symptomatic) == (
        1,
        1,
        1,
        1,
    )
    absence = Absence.objects.get(pupil=ming)
    assert absence.disease.code == "varicella"
    assert absence.symptoms == ["fever", "cough"]
    assert absence.onset_date == datetime.date(2026, 10, 12)
    assert absence.first_day == day
    assert not Absence.objects.filter(pupil=hong).exists()
    assert len(sent) == 2


def test_a_free_text_diagnosis_is_kept_as_told(world):
    day = datetime.date(2026, 10, 13)
    ming = world.pupil("张小明")
    with at(day):
        submit(
            world,
            day=day,
            absences=[{"pupil_id": ming.pk, "kind": "sick", "diagnosis": "支气管炎"}],
        )
    absence = Absence.objects.get(pupil=ming)
    assert absence.disease is None and absence.diagnosis_note == "支气管炎"


def test_another_class_teacher_and_the_principal_may_not_check_class_one(world):
    day = datetime.date(2026, 10, 13)
    with at(day):
        for actor in (world.other_teacher, world.principal, world.education_officer):
            with pytest.raises(PermissionDenied):
                submit(world, day=day, actor=actor)
        check, _ = submit(world, day=day, actor=world.school_doctor)
    assert check.submitted_by == world.school_doctor


def test_a_replay_sends_no_signal(world, django_capture_on_commit_callbacks):
    day = datetime.date(2026, 10, 13)
    key = uuid.uuid4()
    sent = []

    def receiver(sender, check, **kwargs):
        sent.append(check.pk)

    signals.class_check_submitted.connect(receiver)
    try:
        with at(day):
            with django_capture_on_commit_callbacks(execute=True):
                submit(world, day=day, client_uuid=key)
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                submit(world, day=day, client_uuid=key)
    finally:
        signals.class_check_submitted.disconnect(receiver)
    assert len(sent) == 1 and callbacks == []
