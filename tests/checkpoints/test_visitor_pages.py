"""Visitors at a post: self-registration through the post's own QR (no login), the
volunteer's form, marking time out, the day's visitor ledger and revealing a visitor's
contact for tracing."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint, Visitor
from shoumen.checkpoints.visitor_services import ERR_VISITOR_TARGET, visitor_register
from shoumen.lib.errors import ERR_REASON_REQUIRED
from shoumen.lib.phones import ERR_PHONE_INVALID
from shoumen.registry.household_services import household_create

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


def _form(world, **overrides):
    return {
        "client_uuid": str(uuid.uuid4()),
        "name": "访客甲",
        "phone": "139 1234 5678",
        "building": world.building_a.pk,
        "unit": "2",
        "door_number": "301",
        "visiting": "",
        "reason": "探望老人",
        "temperature": "36.6",
        **overrides,
    }


def test_a_visitor_registers_by_scanning_the_post_qr_and_the_volunteer_sees_it(
    world, client, login, gate
):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    page = client.get(url)
    assert page.status_code == 200
    assert "5号楼" in page.content.decode()

    data = _form(world)
    done = client.post(url, data)
    assert done.status_code == 200
    assert 'data-testid="visitor-registered"' in done.content.decode()
    # A second tap on the button stores nothing more.
    assert client.post(url, data).status_code == 200
    visitor = Visitor.objects.get()
    assert (visitor.household, visitor.visiting, visitor.self_registered) == (
        world.household_a,
        "",
        True,
    )
    assert str(visitor.temperature) == "36.6"

    volunteer = login(world.volunteer)
    ledger = volunteer.get(reverse("checkpoints:visitors", args=[gate.pk]))
    text = ledger.content.decode()
    assert "访**" in text and "访客甲" not in text and "****5678" in text
    assert "13912345678" not in text

    left = volunteer.post(reverse("checkpoints:visitor_leave", args=[visitor.pk]))
    assert left.status_code == 302 and left.url.endswith("?day=2026-11-20")
    visitor.refresh_from_db()
    assert visitor.left_at == NOW


def test_a_door_not_in_the_registry_is_kept_as_the_visitors_words(world, client, gate):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    client.post(url, _form(world, unit="", door_number="999"))
    visitor = Visitor.objects.get()
    assert (visitor.household, visitor.visiting) == (None, "5号楼 999")


def test_an_ambiguous_door_is_kept_as_text(world, client, gate):
    household_create(
        actor=world.admin_user,
        grid=world.grid_a,
        building=world.building_a,
        unit="1",
        door_number="301",
    )
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    client.post(url, _form(world, unit=""))
    assert Visitor.objects.get().household is None


def test_a_typed_address_is_used_when_the_building_is_not_listed(world, client, gate):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    client.post(url, _form(world, building="", door_number="", visiting="北区菜市场"))
    assert Visitor.objects.get().visiting == "北区菜市场"


def test_self_registration_shows_clear_errors_and_stores_nothing(world, client, gate):
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    response = client.post(url, _form(world, phone="12345", building="", door_number=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert escape(str(ERR_PHONE_INVALID)) in text
    assert escape(str(ERR_VISITOR_TARGET)) in text
    assert not Visitor.objects.exists()


def test_a_post_out_of_use_or_an_unknown_key_has_no_registration_page(client, gate):
    assert client.get(reverse("checkpoints:visitor_self", args=[uuid.uuid4()])).status_code == 404
    Checkpoint.objects.filter(pk=gate.pk).update(is_active=False)
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    assert client.get(url).status_code == 404


def test_the_volunteer_registers_a_visitor_at_the_post(world, login, gate):
    response = login(world.volunteer).post(
        reverse("checkpoints:visitor_new", args=[gate.pk]), _form(world)
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert (visitor.registered_by, visitor.household) == (world.volunteer, world.household_a)


def test_the_visitor_ledger_shows_one_day(world, login, gate):
    client = login(world.volunteer)
    client.post(reverse("checkpoints:visitor_new", args=[gate.pk]), _form(world))
    url = reverse("checkpoints:visitors", args=[gate.pk])
    assert len(client.get(url, {"day": "2026-11-20"}).context["page"]) == 1
    assert len(client.get(url, {"day": "2026-11-19"}).context["page"]) == 0


def _visitor(world, login, gate) -> Visitor:
    return visitor_register(
        actor=world.volunteer,
        checkpoint=gate,
        client_uuid=uuid.uuid4(),
        name="访客甲",
        phone="139 1234 5678",
        visiting="5号楼2单元301",
        reason="探望老人",
    )


def test_community_staff_reveal_a_visitors_name_and_phone_with_a_reason(world, login, gate):
    visitor = _visitor(world, login, gate)
    client = login(world.community_staff)
    ledger = client.get(reverse("checkpoints:visitors", args=[gate.pk]), {"day": "2026-11-20"})
    body = ledger.content.decode()
    assert "访客甲" not in body and "13912345678" not in body
    assert 'data-testid="reveal-visitor"' in body
    url = reverse("checkpoints:visitor_reveal", args=[visitor.pk])
    response = client.post(url, {"reason": "访客发热需追踪密接"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "访客甲" in response.content.decode() and "13912345678" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="visitor.reveal")
    assert (event.actor, event.target_id, event.reason) == (
        world.community_staff,
        str(visitor.pk),
        "访客发热需追踪密接",
    )


def test_revealing_a_visitor_without_a_reason_shows_nothing_and_records_nothing(world, login, gate):
    visitor = _visitor(world, login, gate)
    url = reverse("checkpoints:visitor_reveal", args=[visitor.pk])
    response = login(world.community_staff).post(url, {"reason": " "})
    assert response.status_code == 422
    assert escape(str(ERR_REASON_REQUIRED)) in response.content.decode()
    assert "13912345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="visitor.reveal").exists()


def test_the_volunteer_sees_visitors_masked_and_cannot_reveal_them(world, login, gate):
    visitor = _visitor(world, login, gate)
    client = login(world.volunteer)
    ledger = client.get(reverse("checkpoints:visitors", args=[gate.pk]), {"day": "2026-11-20"})
    assert 'data-testid="reveal-visitor"' not in ledger.content.decode()
    url = reverse("checkpoints:visitor_reveal", args=[visitor.pk])
    assert client.post(url, {"reason": "想看看"}).status_code == 404
    assert not AuditEvent.objects.filter(action="visitor.reveal").exists()


def test_a_family_doctor_who_may_reveal_residents_numbers_cannot_reveal_a_visitor(
    world, login, gate
):
    visitor = _visitor(world, login, gate)
    url = reverse("checkpoints:visitor_reveal", args=[visitor.pk])
    response = login(world.family_doctor).post(url, {"reason": "想联系访客"})
    assert response.status_code == 404
    assert "13912345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="visitor.reveal").exists()
