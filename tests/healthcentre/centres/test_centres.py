"""Setting health centres up: the officers of a street (or the district) add a centre
serving communities of that street and change it; nobody else does."""

import pytest
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import HealthCentre

pytestmark = pytest.mark.django_db


def _post(client, world, **over):
    data = {
        "name": "永安社区卫生服务站",
        "street": world.street.pk,
        "communities": [world.unit("C2").pk],
        "phone": "010-65129999",
        "address": "永安里3号",
    }
    data.update(over)
    return client.post(reverse("health:centres"), data)


def test_a_street_officer_adds_a_centre_serving_communities_of_the_street(world, login):
    client = login(world.street_officer)

    response = _post(client, world)

    assert response.status_code == 302
    centre = HealthCentre.objects.get(name="永安社区卫生服务站")
    assert centre.street == world.street
    assert [c.code for c in centre.communities.all()] == ["C2"]
    event = AuditEvent.objects.get(action="health_centre.create")
    assert event.changes["communities"] == [world.unit("C2").pk]
    page = client.get(reverse("health:centres")).content.decode()
    assert "永安社区卫生服务站" in page and "建国门社区卫生服务中心" in page


def test_a_community_of_another_street_is_refused_and_nothing_is_written(world, login):
    response = _post(login(world.street_officer), world, communities=[world.unit("C3").pk])
    assert response.status_code == 400
    assert not HealthCentre.objects.filter(name="永安社区卫生服务站").exists()


def test_a_centre_needs_a_name_of_its_own_in_its_street(world, login):
    client = login(world.street_officer)
    assert _post(client, world, name=" ").status_code == 400
    taken = _post(client, world, name="建国门社区卫生服务中心")
    assert taken.status_code == 400
    assert HealthCentre.objects.filter(name="建国门社区卫生服务中心").count() == 1


def test_the_district_officer_sets_centres_up_in_every_street(world, login):
    client = login(world.district_officer)
    response = _post(client, world, street=world.other_street.pk, communities=[world.unit("C3").pk])
    assert response.status_code == 302
    assert HealthCentre.objects.get(name="永安社区卫生服务站").street == world.other_street


def test_the_communities_served_and_the_phone_are_changed_on_the_centre_s_page(world, login):
    client = login(world.street_officer)
    url = reverse("health:centre_edit", args=[world.health_centre.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"name": "建国门社区卫生服务中心", "communities": [world.community.pk], "phone": "110"}
    )

    assert response.status_code == 302
    centre = HealthCentre.objects.get(pk=world.health_centre.pk)
    assert [c.code for c in centre.communities.all()] == ["C1"]
    assert centre.phone == "110"
    assert AuditEvent.objects.filter(action="health_centre.update").count() == 1


@pytest.mark.parametrize(
    "persona", ["community_staff", "grid_worker", "centre_manager", "family_doctor", "volunteer"]
)
def test_those_who_manage_no_street_s_users_are_refused(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("health:centres")).status_code == 403
    edit = reverse("health:centre_edit", args=[world.health_centre.pk])
    assert client.get(edit).status_code == 403


def test_another_street_s_officer_does_not_see_or_change_the_centre(world, login):
    client = login(world.outsider)
    page = client.get(reverse("health:centres"))
    assert page.status_code == 200
    assert "建国门社区卫生服务中心" not in page.content.decode()
    edit = reverse("health:centre_edit", args=[world.health_centre.pk])
    assert client.post(edit, {"name": "x", "communities": []}).status_code == 404


def test_street_and_district_officers_homes_link_the_centres(world, login):
    link = 'data-testid="home-health-centres"'
    assert link in login(world.street_officer).get(reverse("home")).content.decode()
    assert link in login(world.district_officer).get(reverse("home")).content.decode()
    assert link not in login(world.community_staff).get(reverse("home")).content.decode()
