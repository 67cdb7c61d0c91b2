"""The registry pages: a community's volunteers with filters, scoped (another street's
officer 404, a grid worker 403), adding and editing, a volunteer's badge showing Party
membership, and a volunteer's own page from /volunteers/me/."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.registry.models import Volunteer
from tests.volunteers.helpers import PHONE, day_shift, register, sign_up, stand

pytestmark = pytest.mark.django_db


def _list(world):
    return reverse("volunteers:list", args=[world.community.pk])


def _names(response) -> list[str]:
    return [v.name for v in response.context["page"].object_list]


def test_the_list_filters_by_team_party_and_pending(world, login):
    register(world, name="甲", phone="13600000001", teams=["party"], is_party_member=True)
    register(world, name="乙", phone="13600000002", teams=["medical"])
    sign_up(world, name="丙", phone="13600000003", teams=["party"])
    client = login(world.community_staff)
    url = _list(world)
    assert sorted(_names(client.get(url))) == ["丙", "乙", "甲"]
    assert sorted(_names(client.get(url, {"team": "party"}))) == ["丙", "甲"]
    assert _names(client.get(url, {"party": "1"})) == ["甲"]
    response = client.get(url, {"status": "pending"})
    assert _names(response) == ["丙"]
    assert response.context["pending"] == 1


def test_the_list_shows_phones_by_their_last_4_only(world, login):
    register(world, phone=PHONE)
    body = login(world.community_staff).get(_list(world)).content.decode()
    assert PHONE not in body and "5678" in body


def test_an_empty_community_says_so(world, login):
    response = login(world.community_staff).get(_list(world))
    assert 'data-testid="empty"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("street_officer", 200), ("outsider", 404), ("grid_worker", 403), ("volunteer", 403)],
)
def test_the_list_is_scoped(world, login, persona, status):
    assert login(getattr(world, persona)).get(_list(world)).status_code == status


def test_a_volunteer_of_another_street_is_not_found(world, login):
    v = register(world)
    client = login(world.outsider)
    assert client.get(reverse("volunteers:detail", args=[v.pk])).status_code == 404
    assert client.post(reverse("volunteers:approve", args=[v.pk])).status_code == 404


def test_staff_add_a_volunteer_from_the_page(world, login):
    response = login(world.community_staff).post(
        reverse("volunteers:new", args=[world.community.pk]),
        {"name": "赵六", "phone": PHONE, "teams": ["medical"], "is_party_member": "on"},
    )
    v = Volunteer.objects.get(name="赵六")
    assert response.status_code == 302 and response["Location"].endswith(f"/volunteers/{v.pk}/")
    assert (v.teams, v.is_party_member, v.status) == (["medical"], True, "approved")


def test_adding_a_taken_phone_on_the_page_shows_the_error(world, login):
    register(world, phone=PHONE)
    response = login(world.community_staff).post(
        reverse("volunteers:new", args=[world.community.pk]), {"name": "赵六", "phone": PHONE}
    )
    assert response.status_code == 400
    assert Volunteer.objects.count() == 1


def test_editing_without_a_phone_keeps_it(world, login):
    v = register(world, phone=PHONE)
    response = login(world.community_staff).post(
        reverse("volunteers:edit", args=[v.pk]),
        {"name": "李红", "teams": ["residents"], "is_active": "on", "times_of_day": ["night"]},
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert (v.phone_last4, v.teams, v.times_of_day) == ("5678", ["residents"], ["night"])


def test_a_party_members_badge_shows_it(world, login):
    v = register(world, is_party_member=True)
    body = login(world.community_staff).get(reverse("volunteers:detail", args=[v.pk]))
    assert 'data-testid="party-badge"' in body.content.decode()
    w = register(world, name="群众", phone="13600009999")
    body = login(world.community_staff).get(reverse("volunteers:detail", args=[w.pk]))
    assert 'data-testid="party-badge"' not in body.content.decode()


@time_machine.travel("2026-03-04 09:00 +0800")
def test_a_volunteer_with_a_login_sees_their_own_page_and_certificate(world, login):
    v = register(world, user=world.volunteer)
    stand(v, day_shift(world), [datetime.date(2026, 3, 2)])
    client = login(world.volunteer)
    response = client.get(reverse("volunteers:me"))
    assert response.status_code == 200
    assert response.context["volunteer"] == v
    assert response.context["hours"].duty == 8
    pdf = client.get(reverse("volunteers:me_certificate"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Not anyone else's page.
    assert client.get(reverse("volunteers:detail", args=[v.pk])).status_code == 403


def test_a_login_without_a_volunteer_record_is_told_so(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("volunteers:me"))
    assert 'data-testid="not-a-volunteer"' in response.content.decode()
    assert client.get(reverse("volunteers:me_certificate")).status_code == 404


def test_the_index_links_each_community_one_manages(world, login):
    response = login(world.community_staff).get(reverse("volunteers:index"))
    assert response.status_code == 200
    assert f'href="{_list(world)}"' in response.content.decode()


def test_the_list_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    for i in range(12):
        register(world, name=f"志愿者{i:02d}", phone=f"136000000{i:02d}")
    client = login(world.community_staff)
    with django_assert_max_num_queries(12):
        client.get(_list(world))


def test_pending_sign_ups_come_first(world, login):
    # 周 sorts before 阿 by name: the sign-up still comes first.
    register(world, name="周周", phone="13600000001")
    sign_up(world, name="阿明", phone="13600000002")
    names = _names(login(world.community_staff).get(_list(world)))
    assert names == ["阿明", "周周"]
