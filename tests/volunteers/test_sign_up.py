"""Recruiting by QR code: the community's public sign-up page answers without a login,
makes a pending volunteer (nothing doubled for a phone the community has), staff approve
or reject it (audited), and approval links the resident with the same phone."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.registry.models import Volunteer, VolunteerSource, VolunteerStatus
from shoumen.registry.volunteer_services import (
    ERR_CONSENT,
    ERR_NOT_PENDING,
    ERR_PHONE_TAKEN,
    ERR_REASON_REQUIRED,
    volunteer_approve,
    volunteer_reject,
)
from shoumen.services.volunteer_selectors import sign_up_key
from tests.personas import PHONE_SHAN
from tests.volunteers.helpers import PHONE, register, sign_up

pytestmark = pytest.mark.django_db


def _join_url(world):
    return reverse("volunteers:join", args=[sign_up_key(world.community)])


def _form(**extra):
    return {
        "name": "张晓",
        "phone": PHONE,
        "birth_year": "1990",
        "teams": ["residents", "medical"],
        "skills": ["first_aid"],
        "is_party_member": "on",
        "weekdays": ["5", "6"],
        "times_of_day": ["morning"],
        "consent": "on",
        **extra,
    }


def test_the_public_sign_up_page_answers_without_a_login(world, client):
    response = client.get(_join_url(world))
    assert response.status_code == 200
    assert world.community.name in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_key_not_signed_by_us_is_not_found(world, client):
    key = sign_up_key(world.community)
    forged = f"{world.community.pk + 1}.{key.split('.', 1)[1]}"
    assert client.get(reverse("volunteers:join", args=[forged])).status_code == 404
    assert client.get(reverse("volunteers:join", args=["nonsense"])).status_code == 404


def test_signing_up_makes_a_pending_volunteer(world, client):
    response = client.post(_join_url(world), _form())
    assert response.status_code == 200
    assert 'data-testid="sign-up-done"' in response.content.decode()
    v = Volunteer.objects.get(community=world.community)
    assert (v.status, v.source, v.is_active) == (
        VolunteerStatus.PENDING,
        VolunteerSource.SIGN_UP,
        False,
    )
    assert v.signed_up_at is not None
    assert (v.teams, v.skills, v.weekdays, v.times_of_day) == (
        ["medical", "residents"],
        ["first_aid"],
        [5, 6],
        ["morning"],
    )
    assert v.is_party_member and v.birth_year == 1990
    event = AuditEvent.objects.get(action="volunteer.sign_up")
    assert event.actor_id is None
    assert PHONE not in str(event.changes)


def test_signing_up_without_consent_is_refused_and_writes_nothing(world, client):
    response = client.post(_join_url(world), _form(consent=""))
    assert response.status_code == 400
    assert str(ERR_CONSENT) in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_phone_the_community_has_gets_a_clear_message_and_nothing_doubled(world, client):
    register(world, name="张晓", phone=PHONE)
    response = client.post(_join_url(world), _form())
    assert response.status_code == 400
    assert str(ERR_PHONE_TAKEN) in response.content.decode()
    assert Volunteer.objects.filter(community=world.community).count() == 1


def test_signing_up_twice_with_one_phone_keeps_one(world, client):
    client.post(_join_url(world), _form())
    response = client.post(_join_url(world), _form(name="张晓晓"))
    assert response.status_code == 400
    assert Volunteer.objects.count() == 1


@override_settings(PUBLIC_POST_RATE="2/m")
def test_the_sign_up_page_limits_posts_per_client(world, client):
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        client.post(_join_url(world), _form(consent=""))
    assert client.post(_join_url(world), _form()).status_code == 429
    assert not Volunteer.objects.exists()
    cache.clear()


def test_staff_approve_a_sign_up_and_the_resident_with_that_phone_is_linked(world):
    v = sign_up(world, name="单明", phone=PHONE_SHAN)
    volunteer_approve(actor=world.community_staff, volunteer=v)
    v.refresh_from_db()
    assert (v.status, v.is_active) == (VolunteerStatus.APPROVED, True)
    assert v.reviewed_by == world.community_staff and v.reviewed_at is not None
    assert v.resident == world.shan
    event = AuditEvent.objects.get(action="volunteer.approve")
    assert event.changes["resident"] == [None, world.shan.pk]


def test_staff_reject_a_sign_up_with_a_reason(world):
    v = sign_up(world)
    with pytest.raises(ValidationError) as exc:
        volunteer_reject(actor=world.community_staff, volunteer=v, reason=" ")
    assert exc.value.message_dict == {"reason": [str(ERR_REASON_REQUIRED)]}
    volunteer_reject(actor=world.community_staff, volunteer=v, reason="不在本社区居住")
    v.refresh_from_db()
    assert (v.status, v.is_active, v.reject_reason) == (
        VolunteerStatus.REJECTED,
        False,
        "不在本社区居住",
    )
    assert AuditEvent.objects.get(action="volunteer.reject").reason == "不在本社区居住"


def test_a_sign_up_is_reviewed_once(world):
    v = sign_up(world)
    volunteer_approve(actor=world.community_staff, volunteer=v)
    with pytest.raises(ValidationError) as exc:
        volunteer_reject(actor=world.community_staff, volunteer=v, reason="重复")
    assert exc.value.messages == [str(ERR_NOT_PENDING)]


def test_only_those_who_manage_volunteers_approve(world):
    v = sign_up(world)
    with pytest.raises(PermissionDenied):
        volunteer_approve(actor=world.grid_worker, volunteer=v)
    with pytest.raises(PermissionDenied):
        volunteer_approve(actor=world.outsider, volunteer=v)
    v.refresh_from_db()
    assert v.status == VolunteerStatus.PENDING


def test_approving_and_rejecting_from_the_pages(world, login):
    client = login(world.community_staff)
    first, second = sign_up(world), sign_up(world, name="王五", phone="13600001111")
    response = client.post(reverse("volunteers:approve", args=[first.pk]))
    assert response.status_code == 302
    response = client.post(reverse("volunteers:reject", args=[second.pk]), {"reason": "年龄"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VolunteerStatus.APPROVED, VolunteerStatus.REJECTED)


def test_the_qr_code_leads_to_the_sign_up_page(world, login):
    client = login(world.community_staff)
    page = client.get(reverse("volunteers:qr", args=[world.community.pk]))
    assert page.status_code == 200
    assert _join_url(world) in page.content.decode()
    png = client.get(reverse("volunteers:qr_png", args=[world.community.pk]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("volunteers:qr_svg", args=[world.community.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
