"""Setting a school up: schools and classes in the tree, terms, pupils with encrypted and
masked ID numbers, guardians with encrypted phones, and the link to a resident."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.places.models import Level
from shoumen.schools.calendar import is_school_day
from shoumen.schools.models import Guardian, Pupil
from shoumen.schools.setup_services import (
    ERR_BIRTH_MISMATCH,
    ERR_ID_TAKEN,
    class_create,
    guardian_set,
    pupil_create,
    pupil_deactivate,
    pupil_link_resident,
    pupil_update,
    school_create,
    term_set,
)
from tests.personas import ID_SHAN

pytestmark = pytest.mark.django_db
ID_PUPIL = "11010520190301001X"  # born 2019-03-01, male


def test_a_school_and_its_class_sit_in_the_tree_under_the_street(world):
    street = world.unit("S1")
    school = school_create(
        actor=world.admin_user, street=street, code="SCH9", name="第九小学", kind="primary"
    )
    klass = class_create(
        actor=world.admin_user, school=school, code="K9", name="二年级1班", grade=2
    )
    assert school.unit.level == Level.SCHOOL and school.unit.path.startswith(street.path)
    assert klass.unit.level == Level.CLASS and klass.unit.path.startswith(school.unit.path)
    assert AuditEvent.objects.filter(action="school.create", target_id=str(school.pk)).exists()


def test_a_school_under_a_community_is_refused(world):
    with pytest.raises(ValidationError):
        school_create(
            actor=world.admin_user, street=world.community, code="X", name="X", kind="primary"
        )


def test_a_term_bounds_the_school_days(world):
    school = world.school
    term_set(
        actor=world.principal,
        school=school,
        name="2026秋",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 20),
    )
    assert is_school_day(school, datetime.date(2026, 9, 1))
    assert not is_school_day(school, datetime.date(2026, 8, 31))


def test_a_pupil_id_number_is_encrypted_masked_and_gives_the_birth_date(world):
    pupil = pupil_create(
        actor=world.school_doctor, klass=world.class_a, name="周小文", sex="", id_number=ID_PUPIL
    )
    stored = Pupil.objects.get(pk=pupil.pk)
    assert ID_PUPIL.encode() not in bytes(stored.id_number_encrypted)
    assert stored.id_number() == ID_PUPIL
    assert stored.id_number_masked == "110105********001X"
    assert stored.birth_date == datetime.date(2019, 3, 1) and stored.sex == "M"
    event = AuditEvent.objects.get(action="pupil.create", target_id=str(pupil.pk))
    assert ID_PUPIL not in str(event.changes) and "2019-03-01" not in str(event.changes)


def test_a_birth_date_contradicting_the_id_is_refused_without_saying_it(world):
    with pytest.raises(ValidationError) as caught:
        pupil_create(
            actor=world.school_doctor,
            klass=world.class_a,
            name="周小文",
            sex="M",
            birth_date=datetime.date(2019, 3, 2),
            id_number=ID_PUPIL,
        )
    assert caught.value.message_dict["birth_date"] == [str(ERR_BIRTH_MISMATCH)]
    assert "2019-03-01" not in str(caught.value)


def test_two_pupils_cannot_share_an_id_number(world):
    pupil_create(actor=world.school_doctor, klass=world.class_a, name="甲", id_number=ID_PUPIL)
    with pytest.raises(ValidationError) as caught:
        pupil_create(actor=world.school_doctor, klass=world.class_b, name="乙", id_number=ID_PUPIL)
    assert caught.value.message_dict["id_number"] == [str(ERR_ID_TAKEN)]


def test_a_pupil_is_linked_to_the_resident_with_the_same_id_number(world):
    pupil = pupil_create(
        actor=world.school_doctor, klass=world.class_a, name="单明", sex="M", id_number=ID_SHAN
    )
    assert pupil.person_id == world.shan.pk
    pupil.person = None
    pupil.save()
    assert pupil_link_resident(actor=world.school_doctor, pupil=pupil) == world.shan
    assert Pupil.objects.get(pk=pupil.pk).person_id == world.shan.pk


def test_an_update_keeps_the_number_on_record_when_left_empty(world):
    pupil = pupil_create(
        actor=world.school_doctor, klass=world.class_a, name="周小文", id_number=ID_PUPIL
    )
    pupil_update(actor=world.principal, pupil=pupil, name="周小雯", id_number="")
    stored = Pupil.objects.get(pk=pupil.pk)
    assert stored.name == "周小雯" and stored.id_number() == ID_PUPIL


def test_a_pupil_moves_only_within_the_school(world):
    pupil = world.pupil("张小明")
    pupil_update(actor=world.school_doctor, pupil=pupil, klass=world.class_b)
    assert Pupil.objects.get(pk=pupil.pk).klass_id == world.class_b.pk
    with pytest.raises(ValidationError):
        pupil_update(actor=world.admin_user, pupil=pupil, klass=world.school_class("K3"))


def test_a_deactivated_pupil_leaves_the_roll(world):
    pupil = world.pupil("王小刚")
    pupil_deactivate(actor=world.school_doctor, pupil=pupil, reason="转学")
    assert world.class_a.pupils.filter(active=True).count() == 2


def test_a_guardian_phone_is_encrypted_and_masked(world):
    guardian = guardian_set(
        actor=world.school_doctor,
        pupil=world.pupil("张小明"),
        name="张父",
        relation="父亲",
        phone="138 1234 5678",
    )
    stored = Guardian.objects.get(pk=guardian.pk)
    assert stored.phone() == "+8613812345678"
    assert stored.phone_masked == "138****5678" and stored.phone_last4 == "5678"
    event = AuditEvent.objects.get(action="guardian.create", target_id=str(guardian.pk))
    assert "13812345678" not in str(event.changes)


def test_a_bad_phone_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        guardian_set(
            actor=world.school_doctor, pupil=world.pupil("张小明"), name="张父", phone="123"
        )
    assert "phone" in caught.value.message_dict


def test_a_class_teacher_may_not_edit_pupils(world):
    for actor in (world.teacher, world.education_officer):
        with pytest.raises(PermissionDenied):
            pupil_create(actor=actor, klass=world.class_a, name="周小文", sex="F")
