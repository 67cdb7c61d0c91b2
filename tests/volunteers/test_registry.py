"""The volunteer registry's new fields: teams, skills, Party membership and availability
kept and checked, phones encrypted and masked (also in the audit log), one volunteer per
phone in a community, staff-added volunteers approved at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.registry.models import Volunteer, VolunteerSource, VolunteerStatus
from shoumen.registry.volunteer_services import (
    ERR_CHOICE,
    ERR_PHONE_TAKEN,
    volunteer_register,
    volunteer_update,
)
from tests.volunteers.helpers import OTHER_PHONE, PHONE, register

pytestmark = pytest.mark.django_db


def _errors(exc) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def test_staff_added_volunteer_is_approved_with_teams_skills_and_availability(world):
    v = register(
        world,
        teams=["medical", "party"],
        skills=["driving"],
        is_party_member=True,
        weekdays=[5, 0, 5],
        times_of_day=["evening", "morning"],
    )
    v.refresh_from_db()
    assert v.status == VolunteerStatus.APPROVED
    assert v.source == VolunteerSource.STAFF
    # Stored in the choices' order, each once.
    assert v.teams == ["party", "medical"]
    assert v.weekdays == [0, 5]
    assert v.times_of_day == ["morning", "evening"]
    assert v.skills == ["driving"]
    assert v.is_party_member


def test_phone_is_encrypted_and_shown_masked(world):
    v = register(world, phone=PHONE)
    v.refresh_from_db()
    assert PHONE.encode() not in bytes(v.phone_encrypted)
    assert PHONE not in (v.phone_index or "")
    assert v.phone_masked == "139****5678"
    event = AuditEvent.objects.filter(action="volunteer.register").latest("pk")
    assert PHONE not in str(event.changes)
    assert event.changes["phone"] == "139****5678"


def test_a_second_volunteer_with_the_same_phone_in_the_community_is_refused(world):
    register(world, name="李红", phone=PHONE)
    with pytest.raises(ValidationError) as exc:
        register(world, name="李红二", phone="139 1234 5678")
    assert _errors(exc) == {"phone": [str(ERR_PHONE_TAKEN)]}
    assert Volunteer.objects.filter(community=world.community).count() == 1


def test_the_same_phone_may_volunteer_in_another_community(world):
    from shoumen.places.models import OrgUnit

    register(world, phone=PHONE)
    c2 = OrgUnit.objects.get(code="C2")
    volunteer_register(actor=world.street_officer, community=c2, name="李红", phone=PHONE)
    assert Volunteer.objects.filter(phone_last4="5678").count() == 2


def test_changing_a_phone_to_a_taken_one_is_refused_and_changes_nothing(world):
    register(world, name="甲", phone=PHONE)
    other = register(world, name="乙", phone=OTHER_PHONE)
    with pytest.raises(ValidationError) as exc:
        volunteer_update(actor=world.community_staff, volunteer=other, phone=PHONE, name="丙")
    assert _errors(exc) == {"phone": [str(ERR_PHONE_TAKEN)]}
    other.refresh_from_db()
    assert (other.name, other.phone_last4) == ("乙", "5432")


def test_an_unknown_team_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        register(world, teams=["pirates"])
    assert _errors(exc) == {"teams": [str(ERR_CHOICE % {"value": "pirates"})]}
    assert not Volunteer.objects.exists()


def test_update_changes_teams_and_party_and_audits_them(world):
    v = register(world)
    volunteer_update(
        actor=world.community_staff, volunteer=v, teams=["medical"], is_party_member=True
    )
    v.refresh_from_db()
    assert (v.teams, v.is_party_member) == (["medical"], True)
    event = AuditEvent.objects.filter(action="volunteer.update").latest("pk")
    assert event.changes == {"is_party_member": [False, True], "teams": [[], ["medical"]]}


def test_a_grid_worker_cannot_register_volunteers(world):
    with pytest.raises(PermissionDenied):
        volunteer_register(
            actor=world.grid_worker, community=world.community, name="王五", phone=PHONE
        )
    assert not Volunteer.objects.exists()


def test_duty_names_the_registrys_teams_and_skills():
    from shoumen.duty import models as duty
    from shoumen.registry import models as registry

    assert duty.Team is registry.Team
    assert duty.Skill is registry.Skill
