"""The centre's set-up: who works for which centre, the team page, its poster and
replacing its code, members, packages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import Package, TeamMember
from shoumen.healthcentre.setup_selectors import centres_of, teams_of

pytestmark = pytest.mark.django_db


def test_centres_of_a_health_role_are_those_serving_its_community(world):
    assert list(centres_of(world.family_doctor)) == [world.health_centre]
    assert list(centres_of(world.admin_user)) == [world.health_centre]
    assert list(centres_of(world.street_officer)) == []
    assert list(centres_of(world.family_doctor, "manage_health_centre")) == []


def test_teams_of_a_user_are_the_teams_they_are_on(world):
    assert list(teams_of(world.family_doctor)) == [world.team_a]
    assert list(teams_of(world.centre_manager)) == []


def test_manager_sees_the_centre_with_its_teams_and_packages(world, login):
    response = login(world.centre_manager).get(
        reverse("health:centre", args=[world.health_centre.pk])
    )
    assert response.status_code == 200
    assert [t.name for t in response.context["teams"]] == ["光华一队", "光华二队"]
    assert {p.code for p in response.context["packages"]} == {"basic", "elderly"}


def test_doctor_may_not_set_up_the_centre(world, login):
    url = reverse("health:centre", args=[world.health_centre.pk])
    assert login(world.family_doctor).get(url).status_code == 403


def test_poster_carries_the_join_address_and_replacing_the_code_retires_it(world, login, client):
    team = world.team_a
    manager = login(world.centre_manager)
    poster = manager.get(reverse("health:team_poster", args=[team.pk]))
    assert poster.status_code == 200
    assert "/health/join/team-a-token/" in poster.context["url"]
    assert "<svg" in poster.content.decode()
    response = manager.post(reverse("health:team_token_replace", args=[team.pk]))
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.signup_token != "team-a-token"
    client.logout()
    assert client.get("/health/join/team-a-token/").status_code == 404
    assert client.get(f"/health/join/{team.signup_token}/").status_code == 200
    event = AuditEvent.objects.get(action="health_team.token_replace")
    assert team.signup_token not in str(event.changes)


def test_team_grids_and_phone_are_edited(world, login):
    team = world.team_b
    url = reverse("health:team", args=[team.pk])
    body = {"grids": [world.grid_a.pk, world.grid_b.pk], "phone": "010-65129999"}
    assert login(world.centre_manager).post(url, body).status_code == 302
    team.refresh_from_db()
    assert team.phone == "010-65129999"
    assert set(team.grids.values_list("code", flat=True)) == {"G1", "G2"}


def test_a_grid_the_centre_does_not_serve_is_not_offered(world, login):
    team = world.team_b
    g4 = world.unit("G4")
    url = reverse("health:team", args=[team.pk])
    assert login(world.centre_manager).post(url, {"grids": [g4.pk]}).status_code == 400


def test_member_with_a_health_role_is_added_and_removed(world, login, public_health):
    team = world.team_b
    url = reverse("health:team_members", args=[team.pk])
    manager = login(world.centre_manager)
    assert manager.post(url, {"user": public_health.pk, "role": "public_health"}).status_code == 302
    member = TeamMember.objects.get(team=team, user=public_health)
    assert member.role == "public_health"
    assert manager.post(url, {"remove": member.pk}).status_code == 302
    assert not TeamMember.objects.filter(team=team).exists()


def test_someone_without_a_health_role_cannot_join_a_team(world, login):
    url = reverse("health:team_members", args=[world.team_b.pk])
    response = login(world.centre_manager).post(
        url, {"user": world.grid_worker.pk, "role": "nurse"}
    )
    assert response.status_code == 400
    assert not TeamMember.objects.filter(team=world.team_b).exists()


def test_package_is_added_with_a_fee_not_below_zero(world, login):
    url = reverse("health:packages", args=[world.health_centre.pk])
    manager = login(world.centre_manager)
    body = {"code": "kids", "name": "儿童包", "kind": "personalised", "fee": "-1"}
    assert manager.post(url, body).status_code == 400
    body["fee"] = "0"
    assert manager.post(url, body).status_code == 302
    assert Package.objects.get(code="kids").fee == Decimal(0)


def test_package_is_edited_but_keeps_its_code(world, login):
    package = Package.objects.get(code="elderly")
    url = reverse("health:package_edit", args=[package.pk])
    body = {"code": "other", "name": "老年包", "kind": "personalised", "fee": "150", "active": ""}
    assert login(world.centre_manager).post(url, body).status_code == 302
    package.refresh_from_db()
    assert (package.code, package.fee, package.active) == ("elderly", Decimal(150), False)
