import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.observation.models import Kind, Observation, ObservationStatus, Reason
from shoumen.observation.services import (
    ERR_ALREADY_OBSERVED,
    ERR_ARRIVAL_REQUIRED,
    ERR_EXPOSURE_REQUIRED,
    ERR_NOT_ACTIVE,
    ERR_PERIOD_OVER,
    ERR_RESPONSIBLE_SCOPE,
    ERR_RISK_AREA_REQUIRED,
    ERR_TRANSFER_SAME,
    observation_assign,
    observation_close,
    observation_complete,
    observation_extend,
    observation_start,
    observation_transfer_accept,
    observation_transfer_cancel,
    observation_transfer_request,
    observations_start_bulk,
)

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def days(n):
    return datetime.timedelta(days=n)


def returnee(world, person=None, **overrides):
    values = {
        "kind": Kind.HOME_ISOLATION,
        "reason": Reason.RISK_AREA,
        "risk_area": "某省某市",
        "arrival_date": TODAY - days(3),
    }
    return observation_start(
        actor=world.grid_worker, person=person or world.shan, **{**values, **overrides}
    )


def test_period_counts_from_arrival_with_the_kind_default(world, settings):
    settings.OBSERVATION_PERIOD_DAYS = {**settings.OBSERVATION_PERIOD_DAYS, "home_isolation": 14}
    obs = returnee(world)
    assert obs.starts_on == TODAY - days(3)
    assert obs.ends_on == TODAY - days(3) + days(13)
    assert obs.day_number(TODAY) == 4


def test_the_grid_worker_is_responsible_by_default(world):
    assert returnee(world).responsible == world.grid_worker


def test_a_contact_counts_from_the_last_exposure(world):
    obs = observation_start(
        actor=world.community_staff,
        person=world.zeng,
        kind=Kind.HOME_MONITORING,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=TODAY - days(1),
        period_days=7,
    )
    assert (obs.starts_on, obs.ends_on) == (TODAY - days(1), TODAY + days(5))


def test_a_returnee_needs_the_area_and_arrival_date(world):
    with pytest.raises(ValidationError) as exc:
        returnee(world, risk_area="", arrival_date=None)
    assert exc.value.message_dict == {
        "risk_area": [str(ERR_RISK_AREA_REQUIRED)],
        "arrival_date": [str(ERR_ARRIVAL_REQUIRED)],
    }


def test_a_contact_needs_the_exposure_date(world):
    with pytest.raises(ValidationError) as exc:
        returnee(world, reason=Reason.CLOSE_CONTACT, arrival_date=None)
    assert exc.value.message_dict == {"last_exposure_date": [str(ERR_EXPOSURE_REQUIRED)]}


def test_a_period_already_over_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        returnee(world, arrival_date=TODAY - days(30))
    start, end = TODAY - days(30), TODAY - days(17)
    assert exc.value.messages == [str(ERR_PERIOD_OVER % {"start": start, "end": end})]


def test_one_active_observation_per_person_and_kind(world):
    first = returnee(world)
    with pytest.raises(ValidationError) as exc:
        returnee(world)
    expected = ERR_ALREADY_OBSERVED % {"kind": first.get_kind_display(), "end": first.ends_on}
    assert exc.value.messages == [str(expected)]
    other_kind = returnee(world, kind=Kind.HOME_MONITORING)
    assert other_kind.is_active


def test_a_worker_cannot_observe_a_person_of_the_neighbouring_grid(world):
    with pytest.raises(PermissionDenied):
        returnee(world, person=world.neighbour)


def test_re_exposure_extends_the_period(world):
    obs = returnee(world)
    obs = observation_extend(
        actor=world.grid_worker, observation=obs, exposure_date=TODAY, reason="同住人确诊"
    )
    assert (obs.starts_on, obs.ends_on, obs.last_exposure_date) == (TODAY, TODAY + days(13), TODAY)
    event = AuditEvent.objects.filter(action="observation.extend").get()
    assert event.reason == "同住人确诊"
    assert event.changes["ends_on"] == [str(TODAY + days(10)), str(TODAY + days(13))]


def test_a_transfer_is_accepted_by_the_receiving_community_and_both_keep_history(world):
    obs = returnee(world)
    observation_transfer_request(
        actor=world.community_staff,
        observation=obs,
        to_community=world.unit("C2"),
        reason="搬至永安社区",
    )
    # Community staff of C1 cannot accept on behalf of C2; the street officer covers both.
    with pytest.raises(PermissionDenied):
        observation_transfer_accept(
            actor=world.community_staff, observation=obs, grid=world.unit("G3")
        )
    new = observation_transfer_accept(
        actor=world.street_officer, observation=obs, grid=world.unit("G3")
    )
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.TRANSFERRED
    assert (new.status, new.grid.code, new.transferred_from) == ("active", "G3", obs)
    assert (new.starts_on, new.ends_on) == (obs.starts_on, obs.ends_on)
    assert Observation.objects.filter(person=world.shan).count() == 2


def test_a_transfer_within_the_same_community_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        observation_transfer_request(
            actor=world.community_staff,
            observation=returnee(world),
            to_community=world.community,
            reason="同社区",
        )
    assert exc.value.message_dict == {"to_community": [str(ERR_TRANSFER_SAME)]}


def test_a_cancelled_transfer_leaves_the_observation_where_it_was(world):
    obs = returnee(world)
    observation_transfer_request(
        actor=world.community_staff, observation=obs, to_community=world.unit("C2"), reason="搬家"
    )
    obs = observation_transfer_cancel(actor=world.street_officer, observation=obs, reason="未搬")
    assert (obs.transfer_to, obs.status) == (None, ObservationStatus.ACTIVE)


@pytest.mark.parametrize(
    "status", [ObservationStatus.HOSPITALISED, ObservationStatus.LOST, ObservationStatus.CANCELLED]
)
def test_closing_needs_a_reason_and_ends_the_observation(world, status):
    obs = returnee(world)
    with pytest.raises(ValidationError):
        observation_close(actor=world.grid_worker, observation=obs, status=status, reason="")
    obs = observation_close(actor=world.grid_worker, observation=obs, status=status, reason="送医")
    assert obs.status == status
    with pytest.raises(ValidationError) as exc:
        observation_complete(actor=world.grid_worker, observation=obs)
    assert exc.value.messages == [str(ERR_NOT_ACTIVE % {"status": obs.get_status_display()})]


def test_completion_by_the_schedule_is_audited_without_a_user(world):
    obs = observation_complete(actor=None, observation=returnee(world))
    assert obs.status == ObservationStatus.COMPLETED
    event = AuditEvent.objects.filter(action="observation.completed").get()
    assert (event.actor, event.actor_label) == (None, "observation schedule")


def test_the_responsible_worker_must_work_in_the_grid(world):
    with pytest.raises(ValidationError) as exc:
        observation_assign(
            actor=world.community_staff,
            observation=returnee(world),
            responsible=world.neighbour_worker,
        )
    assert exc.value.message_dict == {"responsible": [str(ERR_RESPONSIBLE_SCOPE)]}


def test_bulk_start_keeps_the_good_rows(world):
    results = observations_start_bulk(
        actor=world.community_staff,
        persons=[world.shan, world.zeng, None],
        common={
            "kind": Kind.HOME_MONITORING,
            "reason": Reason.RISK_AREA,
            "risk_area": "某站通报",
            "arrival_date": TODAY,
        },
    )
    assert [bool(r.observation) for r in results] == [True, True, False]
    assert set(results[2].errors) == {"person"}
    assert Observation.objects.filter(status="active").count() == 2
