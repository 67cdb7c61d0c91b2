import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint, Visitor
from shoumen.checkpoints.visitor_services import (
    ERR_ALREADY_LEFT,
    ERR_VISITOR_HOUSEHOLD,
    ERR_VISITOR_TARGET,
    visitor_leave,
    visitor_register,
)
from shoumen.lib.phones import ERR_PHONE_INVALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


def register(actor, gate, **overrides):
    values = {
        "name": "访客甲",
        "phone": "139 1234 5678",
        "reason": "探望老人",
        "visiting": "5号楼2单元301",
        "client_uuid": uuid.uuid4(),
    }
    return visitor_register(actor=actor, checkpoint=gate, **{**values, **overrides})


def test_self_registration_stores_the_phone_encrypted_and_audits_it_masked(gate):
    visitor = register(None, gate)
    assert visitor.self_registered and visitor.phone_last4 == "5678"
    assert b"13912345678" not in bytes(visitor.phone_encrypted)
    event = AuditEvent.objects.get(action="visitor.register")
    assert (event.actor_label, event.changes["phone"]) == (
        "visitor self-registration",
        "139****5678",
    )


def test_a_replayed_registration_returns_the_first(gate):
    key = uuid.uuid4()
    assert register(None, gate, client_uuid=key).pk == register(None, gate, client_uuid=key).pk
    assert Visitor.objects.count() == 1


def test_a_visitor_must_visit_someone_and_give_a_valid_phone(gate):
    with pytest.raises(ValidationError) as exc:
        register(None, gate, visiting="", phone="12345")
    assert exc.value.message_dict == {
        "visiting": [str(ERR_VISITOR_TARGET)],
        "phone": [str(ERR_PHONE_INVALID)],
    }


def test_the_household_visited_must_be_in_the_community(world, gate):
    with pytest.raises(ValidationError) as exc:
        register(world.volunteer, gate, household=world.outsider_person.household, visiting="")
    assert exc.value.message_dict == {"household": [str(ERR_VISITOR_HOUSEHOLD)]}


def test_the_volunteer_records_the_time_out_once(world, gate):
    visitor = register(world.volunteer, gate, household=world.household_a, visiting="")
    visitor = visitor_leave(actor=world.volunteer, visitor=visitor)
    assert visitor.left_at is not None
    with pytest.raises(ValidationError) as exc:
        visitor_leave(actor=world.volunteer, visitor=visitor)
    assert exc.value.messages == [str(ERR_ALREADY_LEFT)]


def test_another_communitys_volunteer_cannot_register_here(world):
    other = Checkpoint.objects.create(community=world.unit("C3"), name="东门")
    with pytest.raises(PermissionDenied):
        register(world.volunteer, other)
