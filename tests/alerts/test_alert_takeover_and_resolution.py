"""Acknowledging an alert ("签收：由我处理") makes the actor its owner, recorded and told to
the owner it had; resolving it as sent to the fever clinic or hospital offers to end the
person's active observation as sent to hospital in the same step."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from shoumen.alerts.models import Alert, AlertStatus, Cause, Notification, Outcome
from shoumen.alerts.services import (
    ERR_END_OUTCOME,
    ERR_NOTHING_TO_END,
    alert_acknowledge,
    alert_raise,
    alert_resolve,
)
from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import PassStatus
from shoumen.checkpoints.services import pass_issue
from shoumen.observation.models import Kind, ObservationStatus
from tests.alerts.helpers import observe
from tests.api.conftest import ApiClient

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _fever(person):
    alert, _ = alert_raise(person=person, cause=Cause.FEVER, details={"temperature": "38.2"})
    return alert


def test_acknowledging_makes_community_staff_the_owner_and_tells_the_grid_worker(world, login):
    alert = _fever(world.shan)
    assert alert.owner == world.grid_worker
    client = login(world.community_staff)
    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert (alert.status, alert.owner, alert.acknowledged_by) == (
        AlertStatus.ACKNOWLEDGED,
        world.community_staff,
        world.community_staff,
    )
    event = AuditEvent.objects.get(action="alert.acknowledge", target_id=str(alert.pk))
    assert event.changes == {"owner": [world.grid_worker.pk, world.community_staff.pk]}
    told = Notification.objects.filter(alert=alert, recipient=world.grid_worker).order_by("pk")
    assert told.count() == 2  # the alert itself, then the takeover
    assert str(world.community_staff) in told.last().title
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    owner_cell = page.split('data-testid="alert-owner">', 1)[1].split("</dd>", 1)[0]
    assert str(world.community_staff) in owner_cell


def test_the_owner_acknowledging_their_own_alert_is_not_told_about_it(world):
    alert = _fever(world.shan)
    alert_acknowledge(actor=world.grid_worker, alert=alert)
    alert.refresh_from_db()
    assert alert.owner == world.grid_worker
    assert Notification.objects.filter(alert=alert).count() == 1


def test_resolving_as_sent_to_the_fever_clinic_ends_the_observation_on_the_page(world, login):
    pass_issue(actor=world.grid_worker, person=world.shan)
    obs = observe(world, world.shan, kind=Kind.HOME_ISOLATION)
    alert = _fever(world.shan)
    client = login(world.community_staff)
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert 'name="end_observation"' in page
    assert 'name="end_observation" id="id_end_observation" class="form-check-input" checked' in (
        page
    )
    done = client.post(
        reverse("alerts:resolve", args=[alert.pk]),
        {"outcome": Outcome.FEVER_CLINIC, "note": "120送区医院发热门诊", "end_observation": "on"},
    )
    assert done.status_code == 302
    obs.refresh_from_db()
    alert.refresh_from_db()
    assert (alert.status, obs.status, obs.outcome_note) == (
        AlertStatus.RESOLVED,
        ObservationStatus.HOSPITALISED,
        "120送区医院发热门诊",
    )
    assert AuditEvent.objects.filter(
        action="observation.hospitalised", target_id=str(obs.pk), actor=world.community_staff
    ).exists()
    resolve = AuditEvent.objects.get(action="alert.resolve", target_id=str(alert.pk))
    assert resolve.changes["observations_ended"] == [obs.pk]
    # The isolation pass block is lifted by the observation service, as for any ending.
    world.shan.checkpoint_pass.refresh_from_db()
    assert world.shan.checkpoint_pass.status == PassStatus.VALID


def test_the_box_left_ticked_does_not_end_the_observation_for_a_false_reading(world, login):
    obs = observe(world, world.shan)
    alert = _fever(world.shan)
    client = login(world.community_staff)
    client.post(
        reverse("alerts:resolve", args=[alert.pk]),
        {"outcome": Outcome.FALSE_READING, "end_observation": "on"},
    )
    obs.refresh_from_db()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED
    assert obs.status == ObservationStatus.ACTIVE


def test_unticked_the_observation_stays_active(world, login):
    obs = observe(world, world.shan)
    alert = _fever(world.shan)
    login(world.community_staff).post(
        reverse("alerts:resolve", args=[alert.pk]), {"outcome": Outcome.FEVER_CLINIC}
    )
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.ACTIVE


def test_without_an_active_observation_the_page_offers_nothing_to_end(world, login):
    alert = _fever(world.shan)
    page = login(world.community_staff).get(reverse("alerts:detail", args=[alert.pk]))
    assert 'name="end_observation"' not in page.content.decode()


def test_the_service_refuses_to_end_an_observation_for_another_outcome_or_none(world):
    alert = _fever(world.shan)
    with pytest.raises(ValidationError) as wrong:
        alert_resolve(
            actor=world.community_staff,
            alert=alert,
            outcome=Outcome.RECOVERED,
            end_observation=True,
        )
    assert wrong.value.message_dict == {"end_observation": [str(ERR_END_OUTCOME)]}
    with pytest.raises(ValidationError) as none:
        alert_resolve(
            actor=world.community_staff,
            alert=alert,
            outcome=Outcome.HOSPITAL,
            end_observation=True,
        )
    assert none.value.message_dict == {"end_observation": [str(ERR_NOTHING_TO_END)]}
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_the_api_resolves_and_ends_the_observation_when_asked(world):
    obs = observe(world, world.shan)
    alert = _fever(world.shan)
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    api = ApiClient(raw)
    response = api.post(
        f"/alerts/{alert.pk}/resolve", {"outcome": "fever_clinic", "end_observation": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.HOSPITALISED


def test_the_api_leaves_the_observation_alone_by_default(world):
    obs = observe(world, world.shan)
    alert = _fever(world.shan)
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    response = ApiClient(raw).post(f"/alerts/{alert.pk}/resolve", {"outcome": "fever_clinic"})
    assert response.status_code == 200
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.ACTIVE
