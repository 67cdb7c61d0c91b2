"""The worker's Today page: who is due, overdue or done, and one-tap follow-ups."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from shoumen.alerts.models import Alert, AlertStatus, Cause
from shoumen.audit.models import AuditEvent
from shoumen.observation.health_reports import ERR_TEMPERATURE_RANGE, health_report_record
from shoumen.observation.models import HealthReport, Kind, Observation, Reason, Slot, Source
from shoumen.observation.selectors import TodayState
from shoumen.observation.services import observation_assign, observation_start
from shoumen.registry.household_services import household_create
from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_register

TZ = datetime.timezone(datetime.timedelta(hours=8))
MORNING = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
LATE_MORNING = datetime.datetime(2026, 11, 20, 10, 30, tzinfo=TZ)
AFTERNOON = datetime.datetime(2026, 11, 20, 13, 0, tzinfo=TZ)
DAY = MORNING.date()
HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


def travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def morning():
    with travel(MORNING):
        yield


def observe(world, person, **values):
    values = {"kind": Kind.HOME_MONITORING, "reason": Reason.OTHER, **values}
    return observation_start(actor=world.admin_user, person=person, **values)


def report(world, person, slot=Slot.MORNING, **values):
    row = {
        "person": person.pk,
        "date": DAY,
        "slot": slot,
        "source": Source.WORKER_PHONE,
        "client_uuid": uuid.uuid4(),
        **values,
    }
    return health_report_record(actor=world.admin_user, **row)


def row_html(html: str, obs: Observation) -> str:
    """One row of the Today list: from its id to the next row (or the end)."""
    start = html.index(f'id="today-row-{obs.pk}"')
    end = html.find('id="today-row-', start + 1)
    return html[start : end if end > 0 else len(html)]


def client_uuid_in(html: str) -> str:
    match = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', html)
    assert match is not None
    return match[1]


def tap(client, obs, html, outcome):
    """Post the row's one-tap form exactly as the rendered page carries it."""
    row = row_html(html, obs)
    data = {
        "client_uuid": client_uuid_in(row),
        "date": DAY.isoformat(),
        "slot": re.search(r'name="slot" value="(\w+)"', row)[1],  # type: ignore[index]
        "outcome": outcome,
    }
    return client.post(reverse("observation:today_report", args=[obs.pk]), data, **HTMX)


def states(response) -> dict[str, int]:
    return {
        row.observation.person.name: row.observation.today_state for row in response.context["rows"]
    }


def test_normal_follow_up_takes_one_tap_and_double_tap_changes_nothing(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    page = client.get(reverse("observation:today")).content.decode()

    first = tap(client, obs, page, "normal")
    second = tap(client, obs, page, "normal")

    assert first.status_code == second.status_code == 200
    saved = HealthReport.objects.get()
    assert (saved.person_id, saved.slot, saved.source) == (
        world.shan.pk,
        Slot.MORNING,
        "worker_phone",
    )
    assert (
        saved.reached is True
        and saved.temperature is None
        and saved.recorded_by == world.grid_worker
    )
    assert AuditEvent.objects.filter(action="health_reports.ingest").count() == 1
    # The row comes back in place as done, with fresh counts out of band.
    body = first.content.decode()
    assert 'data-state="2"' in body and 'hx-swap-oob="true"' in body
    assert client_uuid_in(body) != client_uuid_in(row_html(page, obs))


def test_not_reached_is_one_tap_and_leaves_the_person_due(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    page = client.get(reverse("observation:today")).content.decode()

    response = tap(client, obs, page, "not_reached")

    assert HealthReport.objects.get().reached is False
    assert f'data-state="{TodayState.DUE}"' in response.content.decode()
    assert states(client.get(reverse("observation:today"))) == {"单明": TodayState.DUE}


def test_temperature_with_cough_takes_three_taps_and_raises_an_ili_alert(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    url = reverse("observation:today_temperature", args=[obs.pk])

    opened = client.get(url, **HTMX)  # tap 1: the form opens inside the row
    form = opened.content.decode()
    assert 'inputmode="decimal"' in form and "autofocus" in form
    saved = client.post(  # tap 2: cough; tap 3: save
        url,
        {
            "client_uuid": client_uuid_in(form),
            "date": DAY.isoformat(),
            "slot": Slot.MORNING,
            "temperature": "38.6",
            "symptoms": ["cough"],
            "source": Source.WORKER_PHONE,
        },
        **HTMX,
    )

    assert saved.status_code == 200
    report_ = HealthReport.objects.get()
    assert (report_.temperature, report_.cough, report_.fever) == (Decimal("38.6"), True, False)
    alert = Alert.objects.get()
    assert (alert.cause, alert.status, alert.owner) == (
        Cause.ILI,
        AlertStatus.OPEN,
        world.grid_worker,
    )
    assert 'data-cause="ili"' in saved.content.decode()


def test_a_temperature_out_of_range_is_refused_and_records_nothing(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    url = reverse("observation:today_temperature", args=[obs.pk])
    form = client.get(url, **HTMX).content.decode()
    data = {
        "client_uuid": client_uuid_in(form),
        "date": DAY.isoformat(),
        "slot": Slot.MORNING,
        "temperature": "45.0",
        "source": Source.WORKER_PHONE,
    }

    response = client.post(url, data, **HTMX)

    assert response.status_code == 422
    assert str(ERR_TEMPERATURE_RANGE) in response.content.decode()
    assert not HealthReport.objects.exists()


def test_the_temperature_form_works_without_javascript(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    url = reverse("observation:today_temperature", args=[obs.pk])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()

    data = {
        "client_uuid": client_uuid_in(page.content.decode()),
        "date": DAY.isoformat(),
        "slot": Slot.MORNING,
        "temperature": "36.5",
        "source": Source.WORKER_VISIT,
    }
    response = client.post(url, data)

    assert response.status_code == 302
    assert HealthReport.objects.get().source == Source.WORKER_VISIT


def test_a_phone_report_sent_again_after_a_change_on_today_changes_nothing(world, login):
    obs = observe(world, world.shan)
    phone = {
        "person": world.shan.pk,
        "date": DAY,
        "slot": Slot.MORNING,
        "temperature": Decimal("36.5"),
        "source": Source.WORKER_PHONE,
        "client_uuid": uuid.uuid4(),
    }
    health_report_record(actor=world.grid_worker, **phone)
    client = login(world.grid_worker)
    url = reverse("observation:today_temperature", args=[obs.pk])
    form = client.get(url, **HTMX).content.decode()
    data = {
        "client_uuid": client_uuid_in(form),
        "date": DAY.isoformat(),
        "slot": Slot.MORNING,
        "temperature": "38.6",
        "symptoms": ["cough"],
        "source": Source.WORKER_VISIT,
    }
    assert client.post(url, data, **HTMX).status_code == 200

    again = health_report_record(actor=world.grid_worker, **phone)  # from the phone's queue

    assert again.result == "unchanged"
    saved = HealthReport.objects.get()
    assert (saved.temperature, saved.cough, saved.source) == (Decimal("38.6"), True, "worker_visit")


def test_a_today_tap_sent_again_after_the_slot_changed_elsewhere_changes_nothing(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    page = client.get(reverse("observation:today")).content.decode()
    tap(client, obs, page, "normal")
    report(world, world.shan, temperature=Decimal("38.2"))  # e.g. from the worker's phone

    response = tap(client, obs, page, "normal")  # the browser sends the old form again

    assert response.status_code == 200
    assert HealthReport.objects.get().temperature == Decimal("38.2")


def test_grid_worker_sees_only_own_observations_on_today(world, login):
    observe(world, world.shan)
    observe(world, world.neighbour)
    zeng = observe(world, world.zeng)
    observation_assign(actor=world.admin_user, observation=zeng, responsible=world.community_staff)

    assert set(states(login(world.grid_worker).get(reverse("observation:today")))) == {"单明"}
    assert set(states(login(world.neighbour_worker).get(reverse("observation:today")))) == {"王刚"}
    staff = login(world.community_staff)
    assert set(states(staff.get(reverse("observation:today")))) == {"单明", "曾丽", "王刚"}
    assert set(states(staff.get(reverse("observation:today") + "?mine=1"))) == {"曾丽"}
    assert set(states(login(world.outsider).get(reverse("observation:today")))) == set()


def test_overdue_comes_before_due_and_done_after_the_morning_deadline(world, login):
    observe(world, world.shan)
    observe(world, world.zeng)
    report(world, world.zeng)
    client = login(world.community_staff)

    assert states(client.get(reverse("observation:today"))) == {
        "单明": TodayState.DUE,
        "曾丽": TodayState.DONE,
    }
    with travel(LATE_MORNING):
        response = client.get(reverse("observation:today"))
    assert list(states(response).items()) == [
        ("单明", TodayState.OVERDUE),
        ("曾丽", TodayState.DONE),
    ]
    assert response.context["counts"] == {
        TodayState.OVERDUE: 1,
        TodayState.DUE: 0,
        TodayState.DONE: 1,
    }


def test_an_afternoon_without_a_morning_report_is_overdue(world, login):
    observe(world, world.shan)
    observe(world, world.zeng)
    report(world, world.zeng)
    client = login(world.community_staff)

    with travel(AFTERNOON):
        response = client.get(reverse("observation:today"))
        assert states(response) == {"单明": TodayState.OVERDUE, "曾丽": TodayState.DUE}
        assert response.context["slot"] == Slot.AFTERNOON
        filtered = client.get(reverse("observation:today") + f"?state={TodayState.DUE}")
    assert states(filtered) == {"曾丽": TodayState.DUE}


def test_today_shows_an_empty_state_when_nobody_is_observed(world, login):
    response = login(world.grid_worker).get(reverse("observation:today"))
    assert response.status_code == 200
    assert 'data-testid="today-empty"' in response.content.decode()


def test_my_open_alerts_are_listed_on_today(world, login):
    observe(world, world.shan)
    report(world, world.shan, temperature=Decimal("37.8"))
    response = login(world.grid_worker).get(reverse("observation:today"))
    assert [a.cause for a in response.context["alerts"]] == [Cause.FEVER]
    assert 'data-testid="today-alert"' in response.content.decode()
    # Not the neighbouring worker's.
    assert (
        list(login(world.neighbour_worker).get(reverse("observation:today")).context["alerts"])
        == []
    )


def test_neighbouring_worker_cannot_record_for_grid_a(world, login):
    obs = observe(world, world.shan)
    client = login(world.neighbour_worker)
    data = {"client_uuid": uuid.uuid4(), "date": DAY, "slot": Slot.MORNING, "outcome": "normal"}
    response = client.post(reverse("observation:today_report", args=[obs.pk]), data)
    assert response.status_code == 404
    assert not HealthReport.objects.exists()


def _busy_grid(world, count: int) -> None:
    """``count`` more observed residents of grid A, half reported, each with an alert."""
    for n in range(count):
        household = household_create(
            actor=world.admin_user, grid=world.grid_a, address="光华路", door_number=f"{n}"
        )
        person = person_register(
            actor=world.admin_user,
            household=household,
            name=f"住户{n}",
            sex="F",
            document_type=DocumentType.NONE,
            relation_to_head="head",
        )
        observe(world, person)
        report(world, person, temperature=Decimal("37.9") if n % 2 else None)


@pytest.mark.parametrize("count", [2, 12])
def test_today_query_count_does_not_grow_with_rows(
    world, login, count, django_assert_max_num_queries
):
    _busy_grid(world, count)
    client = login(world.grid_worker)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("observation:today"))
    assert len(response.context["rows"]) == count
