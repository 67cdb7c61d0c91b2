"""Observation pages: list, detail, start (one and in bulk) and the lifecycle transitions."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from shoumen.alerts.models import Cause
from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_REASON_REQUIRED
from shoumen.observation.health_reports import health_report_record
from shoumen.observation.models import Kind, Observation, ObservationStatus, Reason, Slot, Source
from shoumen.observation.selectors import ERR_LINE_FORMAT, ERR_LINE_NOBODY
from shoumen.observation.services import (
    ERR_ALREADY_OBSERVED,
    observation_start,
    observation_transfer_request,
)
from tests.personas import ID_SHAN, ID_ZENG, PHONE_SHAN

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
DAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def observe(world, person, **values):
    values = {"kind": Kind.HOME_MONITORING, "reason": Reason.OTHER, **values}
    return observation_start(actor=world.admin_user, person=person, **values)


def test_person_page_links_to_starting_an_observation(world, login):
    page = login(world.grid_worker).get(reverse("registry:person", args=[world.shan.pk]))
    html = page.content.decode()
    assert reverse("observation:start", args=[world.shan.pk]) in html
    assert 'data-testid="person-observations"' in html


def test_starting_from_the_person_page_makes_the_grid_worker_responsible(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("observation:start", args=[world.shan.pk]),
        {
            "kind": Kind.HOME_ISOLATION,
            "reason": Reason.RISK_AREA,
            "risk_area": "某市某区",
            "arrival_date": "2026-11-18",
        },
    )
    obs = Observation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("observation:detail", args=[obs.pk])
    assert (obs.responsible, obs.starts_on, obs.ends_on) == (
        world.grid_worker,
        datetime.date(2026, 11, 18),
        datetime.date(2026, 12, 1),
    )
    assert AuditEvent.objects.filter(action="observation.start", target_id=str(obs.pk)).exists()


def test_a_second_active_observation_of_the_same_kind_is_refused(world, login):
    first = observe(world, world.shan)
    response = login(world.grid_worker).post(
        reverse("observation:start", args=[world.shan.pk]),
        {"kind": Kind.HOME_MONITORING, "reason": Reason.OTHER},
    )
    assert response.status_code == 400
    message = ERR_ALREADY_OBSERVED % {"kind": first.get_kind_display(), "end": first.ends_on}
    assert message in response.content.decode()
    assert Observation.objects.count() == 1


def test_a_contact_without_the_exposure_date_gets_a_field_error(world, login):
    response = login(world.grid_worker).post(
        reverse("observation:start", args=[world.shan.pk]),
        {"kind": Kind.HOME_MONITORING, "reason": Reason.CLOSE_CONTACT},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["last_exposure_date"]
    assert not Observation.objects.exists()


def test_the_list_is_scoped_and_filtered(world, login):
    observe(world, world.shan)
    observe(world, world.neighbour, kind=Kind.HOME_ISOLATION)
    done = observe(world, world.zeng)
    done.status = ObservationStatus.COMPLETED
    done.save()

    def names(client, query=""):
        response = client.get(reverse("observation:list") + query)
        return sorted(obs.person.name for obs in response.context["page"])

    staff = login(world.community_staff)
    assert names(staff) == ["单明", "王刚"]
    assert names(staff, "?status=any") == ["单明", "曾丽", "王刚"]
    assert names(staff, "?status=completed") == ["曾丽"]
    assert names(staff, f"?kind={Kind.HOME_ISOLATION}") == ["王刚"]
    assert names(staff, f"?grid={world.grid_a.pk}&status=any") == ["单明", "曾丽"]
    assert names(staff, f"?person={world.shan.pk}") == ["单明"]
    assert names(login(world.grid_worker)) == ["单明"]
    assert names(login(world.outsider)) == []


def test_detail_masks_the_person_and_shows_reports_alerts_and_history(world, login):
    obs = observe(world, world.shan)
    health_report_record(
        actor=world.grid_worker,
        person=world.shan.pk,
        date=DAY,
        slot=Slot.MORNING,
        temperature=Decimal("38.2"),
        cough=True,
        source=Source.WORKER_PHONE,
        client_uuid=uuid.uuid4(),
    )
    response = login(world.grid_worker).get(reverse("observation:detail", args=[obs.pk]))
    html = response.content.decode()
    assert ID_SHAN not in html and PHONE_SHAN not in html
    assert world.shan.id_number_masked in html and world.shan.phone_masked in html
    assert [r.temperature for r in response.context["reports"]] == [Decimal("38.2")]
    assert [a.cause for a in response.context["alerts"]] == [Cause.ILI]
    assert [e.action for e in response.context["page"]] == ["observation.start"]


def test_bulk_start_reports_each_line_and_starts_the_good_ones(world, login):
    zeng = observe(world, world.zeng)
    client = login(world.grid_worker)
    lines = "\n".join(
        [
            f"单明 {ID_SHAN[-4:]}",
            f"曾丽，{ID_ZENG}",  # already observed: refused by the service
            "王刚 0018",  # the neighbouring grid: not this worker's
            "没有号码",
        ]
    )
    response = client.post(
        reverse("observation:bulk"),
        {
            "lines": lines,
            "kind": Kind.HOME_MONITORING,
            "reason": Reason.RISK_AREA,
            "risk_area": "某市",
            "arrival_date": "2026-11-19",
        },
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert [bool(r["observation"]) for r in results] == [True, False, False, False]
    assert results[1]["error"] == ERR_ALREADY_OBSERVED % {
        "kind": zeng.get_kind_display(),
        "end": zeng.ends_on,
    }
    assert results[2]["error"] == str(ERR_LINE_NOBODY)
    assert results[3]["error"] == str(ERR_LINE_FORMAT)
    started = Observation.objects.get(person=world.shan)
    assert (started.risk_area, started.arrival_date) == ("某市", datetime.date(2026, 11, 19))


def test_bulk_start_takes_persons_picked_from_the_search(world, login):
    client = login(world.grid_worker)
    found = client.get(reverse("observation:bulk") + "?q=单", HTTP_HX_REQUEST="true")
    assert {p.name for p in found.context["candidates"]} == {"单明", "单小宝"}
    response = client.post(
        reverse("observation:bulk"),
        {
            "persons": [world.shan.pk, world.neighbour.pk],  # the second is out of scope
            "kind": Kind.ROUTINE_MONITORING,
            "reason": Reason.OTHER,
        },
    )
    assert [r["label"] for r in response.context["results"]] == ["单明"]
    assert list(Observation.objects.values_list("person__name", flat=True)) == ["单明"]


def test_bulk_start_with_nobody_is_an_error(world, login):
    response = login(world.grid_worker).post(
        reverse("observation:bulk"), {"kind": Kind.HOME_MONITORING, "reason": Reason.OTHER}
    )
    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_an_empty_post_completes_the_observation(world, login):
    obs = observe(world, world.shan)
    response = login(world.grid_worker).post(reverse("observation:complete", args=[obs.pk]))
    assert response.status_code == 302
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.COMPLETED


def test_closing_needs_a_reason_and_records_it(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    url = reverse("observation:close", args=[obs.pk])
    refused = client.post(url, {"status": ObservationStatus.HOSPITALISED})
    assert refused.status_code == 400
    assert str(ERR_REASON_REQUIRED) in refused.content.decode()

    client.post(url, {"status": ObservationStatus.HOSPITALISED, "reason": "高热送定点医院"})
    obs.refresh_from_db()
    assert (obs.status, obs.outcome_note) == (ObservationStatus.HOSPITALISED, "高热送定点医院")
    assert AuditEvent.objects.get(action="observation.hospitalised").reason == "高热送定点医院"


def test_re_exposure_counts_the_period_again(world, login):
    obs = observe(world, world.shan, reason=Reason.CLOSE_CONTACT, last_exposure_date=DAY)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        login(world.grid_worker).post(
            reverse("observation:extend", args=[obs.pk]),
            {"exposure_date": "2026-11-22", "reason": "再次接触"},
        )
    obs.refresh_from_db()
    assert (obs.starts_on, obs.ends_on) == (
        datetime.date(2026, 11, 22),
        datetime.date(2026, 11, 28),
    )


def test_reassigning_offers_only_workers_of_the_grid(world, login):
    obs = observe(world, world.shan)
    client = login(world.community_staff)
    page = client.get(reverse("observation:assign", args=[obs.pk]))
    offered = set(
        page.context["form"].fields["responsible"].queryset.values_list("username", flat=True)
    )
    assert "neighbour_worker" not in offered and {"grid_worker", "community_staff"} <= offered

    client.post(
        reverse("observation:assign", args=[obs.pk]), {"responsible": world.community_staff.pk}
    )
    obs.refresh_from_db()
    assert obs.responsible == world.community_staff


def test_a_transfer_is_accepted_by_the_receiving_community(world, login):
    obs = observe(world, world.shan)
    staff = login(world.community_staff)
    asked = staff.post(
        reverse("observation:transfer", args=[obs.pk]),
        {"to_community": world.unit("C2").pk, "reason": "搬到永安社区"},
    )
    assert asked.status_code == 302

    street = login(world.street_officer)
    incoming = street.get(reverse("observation:transfers"))
    assert [o.pk for o in incoming.context["page"]] == [obs.pk]
    accepted = street.post(
        reverse("observation:transfer_accept", args=[obs.pk]), {"grid": world.unit("G3").pk}
    )
    new = Observation.objects.get(transferred_from=obs)
    assert accepted["Location"] == reverse("observation:detail", args=[new.pk])
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.TRANSFERRED
    assert (new.grid.code, new.ends_on, new.status) == ("G3", obs.ends_on, ObservationStatus.ACTIVE)


def test_the_receiving_community_cannot_accept_into_a_grid_of_another(world, login):
    obs = observe(world, world.shan)
    observation_transfer_request(
        actor=world.admin_user, observation=obs, to_community=world.unit("C2"), reason="搬家"
    )
    response = login(world.street_officer).post(
        reverse("observation:transfer_accept", args=[obs.pk]), {"grid": world.grid_b.pk}
    )
    assert response.status_code == 400
    assert not Observation.objects.filter(transferred_from=obs).exists()


def test_a_pending_transfer_can_be_withdrawn(world, login):
    obs = observe(world, world.shan)
    observation_transfer_request(
        actor=world.admin_user, observation=obs, to_community=world.unit("C2"), reason="搬家"
    )
    login(world.grid_worker).post(
        reverse("observation:transfer_cancel", args=[obs.pk]), {"reason": "没有搬走"}
    )
    obs.refresh_from_db()
    assert obs.transfer_to is None


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow_with_rows(
    world, login, count, django_assert_max_num_queries
):
    for person in [world.shan, world.zeng, world.person("单小宝")][:count]:
        observe(world, person)
    client = login(world.community_staff)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("observation:list"))
    assert len(response.context["page"]) == count
