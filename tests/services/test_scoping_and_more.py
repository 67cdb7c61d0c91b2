"""Scoping of the services pages and API; standing daily deliveries; the responsible cadre;
the ledgers, read back; the daily figures; the hotline log; the person page's panel."""

import datetime
import io
import uuid

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.lib.metrics import metric_named
from shoumen.services.hotline import ERR_CALLER, hotline_call_record, hotline_follow_up_done
from shoumen.services.ledgers import hotline_ledger_export, service_ledger_export
from shoumen.services.models import Cadre, RequestStatus, ServiceRequest
from shoumen.services.services import request_assign, request_done
from shoumen.services.standing import cadre_of, cadre_set, standing_requests_make
from tests.services.helpers import NOW, call_request, observed, volunteer_of

pytestmark = pytest.mark.django_db


def test_the_neighbouring_worker_sees_neither_the_list_row_nor_the_request(world, login):
    req = call_request(world)
    mine = login(world.grid_worker).get("/services/").content.decode()
    assert f"/services/{req.pk}/" in mine
    theirs = login(world.neighbour_worker).get("/services/").content.decode()
    assert f"/services/{req.pk}/" not in theirs
    assert login(world.neighbour_worker).get(f"/services/{req.pk}/").status_code == 404
    assert login(world.outsider).get(f"/services/{req.pk}/").status_code == 404


def test_roles_without_services_get_403_on_the_list(world, login):
    assert login(world.teacher).get("/services/").status_code == 403
    assert login(world.volunteer).get("/services/").status_code == 403
    assert login(world.volunteer).get("/services/me/").status_code == 200


def test_list_filters_by_kind_status_and_overdue(world, login):
    with time_machine.travel(NOW, tick=False):
        late = call_request(world, kind="medicine", urgency="urgent")
        fresh = call_request(world, kind="groceries")
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        client = login(world.grid_worker)
        overdue = client.get("/services/?overdue=on").content.decode()
        groceries = client.get("/services/?kind=groceries").content.decode()
    assert f"/services/{late.pk}/" in overdue and f"/services/{fresh.pk}/" not in overdue
    assert f"/services/{fresh.pk}/" in groceries and f"/services/{late.pk}/" not in groceries


def test_a_standing_delivery_makes_one_request_a_day_while_it_stands(world):
    day0 = NOW.date()
    with time_machine.travel(NOW, tick=False):
        standing = call_request(
            world, standing=True, standing_until=day0 + datetime.timedelta(days=2)
        )
        request_assign(actor=world.grid_worker, request=standing, volunteer=volunteer_of(world))
        assert standing_requests_make(day=day0) == {"made": 0}
    for offset, made in ((1, 1), (1, 0), (2, 1), (3, 0)):
        day = day0 + datetime.timedelta(days=offset)
        at = NOW + datetime.timedelta(days=offset)
        with time_machine.travel(at, tick=False):
            assert standing_requests_make(day=day) == {"made": made}
    daily = ServiceRequest.objects.filter(standing_from=standing).order_by("for_day")
    assert [r.for_day for r in daily] == [day0 + datetime.timedelta(days=n) for n in (1, 2)]
    assert all(r.status == RequestStatus.ASSIGNED and r.volunteer_id for r in daily)


def test_a_standing_delivery_asks_for_its_last_day(world):
    with pytest.raises(ValidationError) as caught:
        call_request(world, standing=True)
    assert "standing_until" in caught.value.message_dict


def test_a_household_under_home_isolation_gets_its_grid_worker_as_cadre(world):
    assert cadre_of(world.household_a) is None
    observed(world)
    cadre = cadre_of(world.household_a)
    assert cadre is not None and cadre.user == world.grid_worker
    assert not Cadre.objects.exists()  # the default is not written by reading it


def test_staff_name_a_volunteer_as_cadre_and_the_default_ends(world):
    observed(world)
    first = cadre_set(actor=world.community_staff, household=world.household_a, name="张大姐")
    named = cadre_set(
        actor=world.community_staff,
        household=world.household_a,
        volunteer=volunteer_of(world),
        since=NOW.date() + datetime.timedelta(days=400),
    )
    first.refresh_from_db()
    assert first.until == named.since - datetime.timedelta(days=1)
    assert cadre_of(world.household_a).pk == first.pk
    with pytest.raises(PermissionDenied):
        cadre_set(actor=world.neighbour_worker, household=world.household_a, name="张三")


def test_the_service_ledger_reads_back_with_masked_names(world):
    with time_machine.travel(NOW, tick=False):
        req = call_request(world, kind="medicine")
        request_done(actor=world.grid_worker, request=req, note="降压药")
        export = service_ledger_export(
            actor=world.community_staff, unit=world.community, month=NOW.date().replace(day=1)
        )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    flat = " ".join(str(c) for row in values for c in row if c is not None)
    assert "单*" in flat and "单明" not in flat and "降压药" in flat
    with pytest.raises(PermissionDenied):
        service_ledger_export(actor=world.grid_worker, unit=world.grid_a, month=NOW.date())


def test_the_hotline_log_keeps_counts_and_its_ledger_counts_only(world, login):
    with time_machine.travel(NOW, tick=False):
        hotline_call_record(
            actor=world.community_staff,
            community=world.community,
            topic="anxiety",
            minutes=15,
            follow_up_on=NOW.date(),
            client_uuid=uuid.uuid4(),
        )
        call, _ = hotline_call_record(
            actor=world.community_staff,
            community=world.community,
            topic="isolation",
            minutes=5,
            anonymous=False,
            caller=world.shan,
            client_uuid=uuid.uuid4(),
        )
        export = hotline_ledger_export(
            actor=world.community_staff, unit=world.community, month=NOW.date().replace(day=1)
        )
        calls = metric_named("services.hotline_calls").compute([world.community.pk], NOW.date())
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    flat = " ".join(str(c) for row in rows for c in row if c is not None)
    day_rows = [row for row in rows if row[0] == NOW.date().isoformat()]
    # One row for the community's day: 2 calls, 20 minutes; no caller anywhere.
    assert [row[1:4] for row in day_rows] == [(world.community.name, 2, 20)]
    assert "单" not in flat
    assert calls == {world.community.pk: 2.0}
    with pytest.raises(ValidationError) as caught:
        hotline_call_record(
            actor=world.community_staff,
            community=world.community,
            topic="grief",
            minutes=5,
            caller=world.shan,
            client_uuid=uuid.uuid4(),
        )
    assert caught.value.message_dict == {"caller": [str(ERR_CALLER)]}
    with pytest.raises(PermissionDenied):
        hotline_call_record(
            actor=world.grid_worker,
            community=world.community,
            topic="grief",
            minutes=5,
            client_uuid=uuid.uuid4(),
        )
    with pytest.raises(ValidationError):
        hotline_follow_up_done(actor=world.community_staff, call=call)
    assert login(world.community_staff).get("/services/hotline/").status_code == 200
    assert login(world.grid_worker).get("/services/hotline/").status_code == 403


def test_the_daily_figures_count_asked_delivered_and_overdue(world):
    with time_machine.travel(NOW, tick=False):
        done = call_request(world)
        call_request(world, urgency="urgent")
        request_done(actor=world.grid_worker, request=done, note="送到了")
    with time_machine.travel(NOW + datetime.timedelta(hours=5), tick=False):
        grids = [world.grid_a.pk, world.grid_b.pk]
        day = NOW.date()
        asked = metric_named("services.requests_new").compute(grids, day)
        delivered = metric_named("services.requests_done").compute(grids, day)
        late = metric_named("services.requests_overdue").compute(grids, day)
    assert asked == {world.grid_a.pk: 2.0}
    assert delivered == {world.grid_a.pk: 1.0}
    assert late == {world.grid_a.pk: 1.0}


def test_the_person_page_shows_the_residents_requests(world, login):
    req = call_request(world, kind="transport")
    page = login(world.grid_worker).get(f"/persons/{world.shan.pk}/").content.decode()
    assert 'data-testid="person-services"' in page and f"/services/{req.pk}/" in page
    assert 'data-testid="person-ask-help"' in page


def test_an_unassigned_standing_delivery_goes_to_the_isolated_households_grid_worker(world):
    day0 = NOW.date()
    with time_machine.travel(NOW, tick=False):
        observed(world)
        call_request(world, standing=True, standing_until=day0 + datetime.timedelta(days=1))
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        standing_requests_make(day=day0 + datetime.timedelta(days=1))
    daily = ServiceRequest.objects.get(standing_from__isnull=False)
    assert daily.cadre == world.grid_worker and daily.status == RequestStatus.ASSIGNED


def test_the_hotline_page_logs_a_call_and_the_ledgers_download_as_xlsx(world, login):
    from shoumen.services.models import HotlineCall

    client = login(world.community_staff)
    response = client.post(
        "/services/hotline/",
        {
            "community": world.community.pk,
            "topic": "family",
            "minutes": "12",
            "anonymous": "on",
            "client_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    assert HotlineCall.objects.get().counsellor == world.community_staff
    for url in ("/services/hotline/ledger.xlsx", "/services/ledger.xlsx"):
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("application/vnd.openxmlformats")
        openpyxl.load_workbook(io.BytesIO(download.content))
    assert client.get("/services/ledger.xlsx?month=nope").status_code == 302
