"""The volunteer registry's services: phones encrypted and masked, years of birth checked,
residents of the community only, audited, for those who set duty up."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.lib.phones import ERR_PHONE_INVALID
from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import (
    ERR_BIRTH_YEAR,
    ERR_LOGIN_TAKEN,
    ERR_NAME_REQUIRED,
    ERR_NOT_COMMUNITY,
    ERR_RESIDENT_ELSEWHERE,
    volunteer_register,
    volunteer_update,
)

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def _errors(exc) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def test_volunteer_register_stores_the_phone_encrypted_with_its_last_4(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name=" 王芳 ", phone=PHONE
    )
    v.refresh_from_db()
    assert v.name == "王芳"
    assert PHONE.encode() not in bytes(v.phone_encrypted)
    assert v.phone() == "+86" + PHONE
    assert v.phone_last4 == "5678"
    assert v.phone_masked == "139****5678"


def test_volunteer_register_audits_the_phone_masked(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name="王芳", phone=PHONE
    )
    event = AuditEvent.objects.get(action="volunteer.register", target_id=str(v.pk))
    assert event.changes["phone"] == "139****5678"
    assert PHONE not in str(event.changes)
    assert event.org_path == world.community.path


def test_volunteer_register_refuses_a_bad_phone_and_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        volunteer_register(
            actor=world.community_staff, community=world.community, name="王芳", phone="12345"
        )
    assert _errors(exc) == {"phone": [str(ERR_PHONE_INVALID)]}
    assert not Volunteer.objects.filter(name="王芳").exists()


def test_volunteer_register_needs_a_name(world):
    with pytest.raises(ValidationError) as exc:
        volunteer_register(actor=world.community_staff, community=world.community, name="  ")
    assert _errors(exc) == {"name": [str(ERR_NAME_REQUIRED)]}


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize("year", [1899, 2027, 3000])
def test_volunteer_register_refuses_an_impossible_year_of_birth(world, year):
    with pytest.raises(ValidationError) as exc:
        volunteer_register(
            actor=world.community_staff, community=world.community, name="王芳", birth_year=year
        )
    assert _errors(exc) == {"birth_year": [str(ERR_BIRTH_YEAR)]}


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False)
def test_volunteer_register_takes_years_from_1900_to_this_year(world):
    for year in (1900, 2026):
        v = volunteer_register(
            actor=world.community_staff, community=world.community, name="王芳", birth_year=year
        )
        assert v.birth_year == year


def test_volunteer_register_links_a_resident_of_the_community(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name="单明", resident=world.shan
    )
    assert v.resident == world.shan


def test_volunteer_register_refuses_a_resident_of_another_community(world):
    with pytest.raises(ValidationError) as exc:
        volunteer_register(
            actor=world.admin_user,
            community=world.community,
            name="李强",
            resident=world.outsider_person,
        )
    assert _errors(exc) == {"resident": [str(ERR_RESIDENT_ELSEWHERE)]}


def test_volunteer_register_refuses_a_login_of_another_volunteer(world):
    volunteer_register(
        actor=world.community_staff, community=world.community, name="甲", user=world.volunteer
    )
    with pytest.raises(ValidationError) as exc:
        volunteer_register(
            actor=world.community_staff, community=world.community, name="乙", user=world.volunteer
        )
    assert _errors(exc) == {"user": [str(ERR_LOGIN_TAKEN)]}


def test_volunteer_register_is_for_a_community(world):
    with pytest.raises(ValidationError) as exc:
        volunteer_register(actor=world.admin_user, community=world.street, name="王芳")
    assert _errors(exc) == {"community": [str(ERR_NOT_COMMUNITY)]}


@pytest.mark.parametrize("persona", ["grid_worker", "volunteer", "outsider", "teacher"])
def test_volunteer_register_needs_manage_duty_over_the_community(world, persona):
    with pytest.raises(PermissionDenied):
        volunteer_register(actor=getattr(world, persona), community=world.community, name="王芳")
    assert not Volunteer.objects.filter(name="王芳").exists()


def test_volunteer_update_changes_the_phone_and_audits_both_masked(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name="王芳", phone=PHONE
    )
    volunteer_update(actor=world.street_officer, volunteer=v, phone="13700001111")
    v.refresh_from_db()
    assert v.phone_masked == "137****1111"
    assert v.phone_last4 == "1111"
    event = AuditEvent.objects.get(action="volunteer.update", target_id=str(v.pk))
    assert event.changes == {"phone": ["139****5678", "137****1111"]}


def test_volunteer_update_clears_the_phone(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name="王芳", phone=PHONE
    )
    volunteer_update(actor=world.community_staff, volunteer=v, phone="")
    v.refresh_from_db()
    assert v.phone_encrypted is None
    assert v.phone_last4 == ""
    assert v.phone_masked == ""


def test_volunteer_update_leaves_what_is_not_given(world):
    v = volunteer_register(
        actor=world.community_staff,
        community=world.community,
        name="王芳",
        phone=PHONE,
        birth_year=1980,
    )
    volunteer_update(actor=world.community_staff, volunteer=v, name="王芳芳")
    v.refresh_from_db()
    assert (v.name, v.birth_year, v.phone_last4) == ("王芳芳", 1980, "5678")


def test_volunteer_update_without_a_change_writes_no_event(world):
    v = volunteer_register(actor=world.community_staff, community=world.community, name="王芳")
    volunteer_update(actor=world.community_staff, volunteer=v, name="王芳")
    assert not AuditEvent.objects.filter(action="volunteer.update").exists()


def test_volunteer_update_refuses_bad_values_and_changes_nothing(world):
    v = volunteer_register(
        actor=world.community_staff, community=world.community, name="王芳", phone=PHONE
    )
    with pytest.raises(ValidationError) as exc:
        volunteer_update(
            actor=world.community_staff,
            volunteer=v,
            name="新名字",
            phone="abc",
            birth_year=1800,
            resident=world.outsider_person,
        )
    assert set(_errors(exc)) == {"phone", "birth_year", "resident"}
    v.refresh_from_db()
    assert (v.name, v.phone_last4) == ("王芳", "5678")


def test_volunteer_update_needs_manage_duty_over_the_community(world):
    v = volunteer_register(actor=world.community_staff, community=world.community, name="王芳")
    with pytest.raises(PermissionDenied):
        volunteer_update(actor=world.outsider, volunteer=v, name="改")
