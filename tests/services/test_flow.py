"""A request's life: assigned to a volunteer, delivered, confirmed by the resident through
their link or by staff on their word, or cancelled; overdue alerts open and resolve."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.alerts.models import Alert, AlertStatus, Cause
from shoumen.registry.models import Volunteer
from shoumen.services.models import RequestStatus
from shoumen.services.overdue import services_overdue_check
from shoumen.services.services import (
    ERR_NOT_DONE,
    ERR_VOLUNTEER,
    request_assign,
    request_cancel,
    request_confirm,
    request_done,
)
from tests.services.helpers import NOW, call_request, link_of, link_url, volunteer_of

pytestmark = pytest.mark.django_db


def test_staff_assign_a_volunteer_who_delivers_and_the_resident_confirms_by_link(
    world, client, login
):
    req = call_request(world, kind="medicine")
    volunteer = volunteer_of(world)
    req = request_assign(actor=world.grid_worker, request=req, volunteer=volunteer)
    assert req.status == RequestStatus.ASSIGNED and req.assigned_by == world.grid_worker
    # The volunteer's login sees it among their tasks and marks it delivered.
    mine = login(world.volunteer).get("/services/me/").content.decode()
    assert f"/services/{req.pk}/" in mine
    response = login(world.volunteer).post(f"/services/{req.pk}/done/", {"note": "送了降压药两盒"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.DONE and req.done_by == world.volunteer
    # The resident confirms on their link page.
    client.logout()
    url = link_url(world)
    assert 'data-testid="help-confirm"' in client.get(url).content.decode()
    response = client.post(url, {"section": "services", "action": "confirm", "request": req.pk})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.confirmed_by is None


def test_a_link_cannot_confirm_someone_elses_request(world, client):
    other = call_request(world, person=world.neighbour, actor=world.neighbour_worker)
    request_done(actor=world.neighbour_worker, request=other, note="已送达")
    response = client.post(
        link_url(world), {"section": "services", "action": "confirm", "request": other.pk}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == RequestStatus.DONE


def test_confirming_before_delivery_is_refused(world):
    req = call_request(world)
    with pytest.raises(ValidationError) as caught:
        request_confirm(actor=None, request=req, link=link_of(world))
    assert caught.value.messages == [str(ERR_NOT_DONE)]


def test_staff_confirm_on_the_residents_word(world):
    req = call_request(world)
    request_done(actor=world.grid_worker, request=req, note="买了米")
    req = request_confirm(actor=world.community_staff, request=req)
    assert req.status == RequestStatus.CONFIRMED and req.confirmed_by == world.community_staff


def test_a_volunteer_of_another_community_cannot_be_assigned(world):
    req = call_request(world)
    stranger = Volunteer.objects.create(community=world.unit("C2"), name="外社区志愿者")
    with pytest.raises(ValidationError) as caught:
        request_assign(actor=world.grid_worker, request=req, volunteer=stranger)
    assert caught.value.message_dict == {"volunteer": [str(ERR_VOLUNTEER)]}


def test_someone_not_assigned_cannot_mark_it_done(world):
    req = call_request(world)
    volunteer_of(world)
    with pytest.raises(PermissionDenied):
        request_done(actor=world.volunteer, request=req, note="送到了")
    with pytest.raises(PermissionDenied):
        request_done(actor=world.neighbour_worker, request=req, note="送到了")


def test_the_volunteer_cannot_assign_or_cancel(world, login):
    req = call_request(world)
    request_assign(actor=world.grid_worker, request=req, volunteer=volunteer_of(world))
    client = login(world.volunteer)
    assert client.get(f"/services/{req.pk}/").status_code == 200
    assert client.post(f"/services/{req.pk}/cancel/", {"reason": "不要了"}).status_code == 403
    assert client.post(f"/services/{req.pk}/assign/", {"assignee": "x"}).status_code == 403


def test_cancelling_an_open_request_closes_it_and_a_closed_one_cannot_be_delivered(world):
    req = call_request(world)
    req = request_cancel(actor=world.grid_worker, request=req, reason="已自行解决")
    assert req.status == RequestStatus.CANCELLED
    with pytest.raises(ValidationError):
        request_done(actor=world.grid_worker, request=req, note="送到了")


def test_an_overdue_request_opens_an_alert_on_its_community_resolved_when_delivered(world):
    with time_machine.travel(NOW, tick=False):
        req = call_request(world, urgency="urgent")
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert services_overdue_check() == {"opened": 0, "resolved": 0}
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        assert services_overdue_check()["opened"] == 1
        assert services_overdue_check()["opened"] == 0  # once
    alert = Alert.objects.get(cause=Cause.SERVICE_OVERDUE)
    assert alert.grid == world.community and alert.key == str(req.pk)
    assert alert.owner == world.grid_worker and alert.status == AlertStatus.OPEN
    assert "单明" not in str(alert.details)
    with time_machine.travel(NOW + datetime.timedelta(hours=4), tick=False):
        request_done(actor=world.grid_worker, request=req, note="药已送到")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == world.grid_worker


def test_the_overdue_check_resolves_the_alert_of_a_request_closed_otherwise(world):
    with time_machine.travel(NOW, tick=False):
        req = call_request(world, urgency="urgent")
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        services_overdue_check()
        # Closed behind the alert's back (e.g. a data fix): the next run resolves it.
        type(req).objects.filter(pk=req.pk).update(status=RequestStatus.CANCELLED)
        assert services_overdue_check() == {"opened": 0, "resolved": 1}
    assert Alert.objects.get(cause=Cause.SERVICE_OVERDUE).status == AlertStatus.RESOLVED


def test_delivering_twice_changes_nothing(world):
    req = call_request(world)
    first = request_done(actor=world.grid_worker, request=req, note="送到了")
    again = request_done(actor=world.grid_worker, request=req, note="又送了")
    assert again.done_note == "送到了" and again.done_at == first.done_at


def test_the_request_page_assigns_and_confirms(world, login):
    req = call_request(world)
    volunteer = volunteer_of(world)
    client = login(world.grid_worker)
    page = client.get(f"/services/{req.pk}/").content.decode()
    assert f'value="v{volunteer.pk}"' in page
    response = client.post(f"/services/{req.pk}/assign/", {"assignee": f"v{volunteer.pk}"})
    assert response.status_code == 302
    client.post(f"/services/{req.pk}/done/", {"note": "送到了"})
    response = client.post(f"/services/{req.pk}/confirm/", {"confirm": "yes"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.volunteer == volunteer


def test_taking_a_call_on_the_page(world, login):
    client = login(world.grid_worker)
    found = client.get("/services/new/?q=单明").content.decode()
    assert f"?person={world.shan.pk}" in found
    response = client.post(
        "/services/new/",
        {
            "person": world.shan.pk,
            "kind": "doctor",
            "urgency": "urgent",
            "note": "想看医生",
            "client_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    assert world.shan.service_requests.get().kind == "doctor"


def test_staff_name_the_households_cadre_on_the_request_page(world, login):
    from shoumen.services.models import Cadre

    req = call_request(world)
    volunteer = volunteer_of(world)
    client = login(world.community_staff)
    response = client.post(f"/services/{req.pk}/cadre/", {"who": f"v{volunteer.pk}"})
    assert response.status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.household, cadre.volunteer) == (world.household_a, volunteer)
    page = client.get(f"/services/{req.pk}/").content.decode()
    assert 'data-testid="request-cadre"' in page and volunteer.name in page


def test_the_volunteer_is_told_of_the_task_in_their_own_language(world):
    from django.utils import translation

    from shoumen.alerts.messages import rendered
    from shoumen.alerts.models import Notification

    req = call_request(world, kind="medicine")
    request_assign(actor=world.grid_worker, request=req, volunteer=volunteer_of(world))
    note = Notification.objects.get(recipient=world.volunteer)
    with translation.override("en"):
        assert rendered(note.words["title"]).startswith("Service task: medicine in 光华第一网格")
    assert "单明" not in note.title


def test_an_overdue_requests_alert_shows_on_the_alerts_page(world, login):
    with time_machine.travel(NOW, tick=False):
        call_request(world, urgency="urgent")
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        services_overdue_check()
        page = login(world.community_staff).get("/alerts/")
    assert page.status_code == 200
    alert = Alert.objects.get(cause=Cause.SERVICE_OVERDUE)
    assert f"/alerts/{alert.pk}/" in page.content.decode()
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        detail = login(world.community_staff).get(f"/alerts/{alert.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    # What is late and a way to it, without the resident's name.
    assert f'href="{reverse("services:request", args=[alert.key])}"' in html
    assert alert.details["due"] in html and "单明" not in html
