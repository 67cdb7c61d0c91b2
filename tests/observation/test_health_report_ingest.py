import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shoumen.alerts.models import Alert, AlertStatus, Cause
from shoumen.audit.models import AuditEvent
from shoumen.observation.health_reports import (
    ERR_REACHED_WORKER_ONLY,
    ERR_TEMPERATURE_RANGE,
    health_report_record,
    health_reports_ingest,
)
from shoumen.observation.models import HealthReport, Kind, Reason, Slot, Source
from shoumen.observation.services import ERR_PERSON_UNKNOWN, observation_start

NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def row(person, **overrides):
    values = {
        "person": person.pk,
        "date": TODAY,
        "slot": Slot.MORNING,
        "temperature": Decimal("36.6"),
        "source": Source.WORKER_PHONE,
        "client_uuid": uuid.uuid4(),
    }
    return {**values, **overrides}


def test_a_replayed_batch_changes_nothing(world):
    rows = [row(world.shan), row(world.zeng)]
    first = health_reports_ingest(actor=world.grid_worker, rows=rows)
    again = health_reports_ingest(actor=world.grid_worker, rows=rows)
    assert [r.result for r in first] == ["created", "created"]
    assert [r.result for r in again] == ["unchanged", "unchanged"]
    assert HealthReport.objects.count() == 2


def test_good_rows_are_kept_when_others_fail(world):
    rows = [
        row(world.shan),
        row(world.zeng, temperature=Decimal("45.0")),
        row(world.neighbour),  # the neighbouring grid: not this worker's
        row(world.shan, slot=Slot.AFTERNOON, source=Source.SELF, reached=True),
    ]
    results = health_reports_ingest(actor=world.grid_worker, rows=rows)
    assert [r.result for r in results] == ["created", "error", "error", "error"]
    assert results[1].errors == {"temperature": [str(ERR_TEMPERATURE_RANGE)]}
    assert results[2].errors == {"person": [str(ERR_PERSON_UNKNOWN)]}
    assert results[3].errors == {"reached": [str(ERR_REACHED_WORKER_ONLY)]}
    assert HealthReport.objects.count() == 1


def test_a_new_report_for_a_filled_slot_replaces_its_values(world):
    health_reports_ingest(actor=world.grid_worker, rows=[row(world.shan)])
    (result,) = health_reports_ingest(
        actor=world.grid_worker, rows=[row(world.shan, temperature=Decimal("37.0"))]
    )
    assert result.result == "updated"
    assert HealthReport.objects.get().temperature == Decimal("37.0")


def test_a_batch_of_corrections_over_several_days_replaces_each_report_it_names(world):
    days = [TODAY - datetime.timedelta(days=n) for n in range(3)]
    slots = [
        (person, day, slot)
        for person in (world.shan, world.zeng)
        for day in days
        for slot in (Slot.MORNING, Slot.AFTERNOON)
    ]
    health_reports_ingest(
        actor=world.grid_worker, rows=[row(p, date=d, slot=s) for p, d, s in slots]
    )
    untouched = health_report_record(actor=world.community_staff, **row(world.neighbour))
    corrections = [
        row(p, date=d, slot=s, temperature=Decimal(360 + n) / 10, source=Source.WORKER_VISIT)
        for n, (p, d, s) in enumerate(slots)
    ]
    with CaptureQueriesContext(connection) as queries:
        results = health_reports_ingest(actor=world.community_staff, rows=corrections)
    assert {r.result for r in results} == {"updated"}
    table = HealthReport._meta.db_table
    updates = [q for q in queries.captured_queries if f'UPDATE "{table}"' in q["sql"]]
    assert len(updates) == 1  # one statement (one executemany on SQLite) for the whole batch
    for n, (p, d, s) in enumerate(slots):
        report = HealthReport.objects.get(person=p, date=d, slot=s)
        assert (report.temperature, report.source, report.recorded_by) == (
            Decimal(360 + n) / 10,
            Source.WORKER_VISIT,
            world.community_staff,
        )
        assert report.other_uuids == [str(corrections[n]["client_uuid"])]
    assert HealthReport.objects.get(pk=untouched.report.pk).temperature == Decimal("36.6")


def test_a_worker_report_counts_the_person_as_reached(world):
    result = health_report_record(actor=world.grid_worker, **row(world.shan))
    assert result.report.reached is True


def test_one_report_with_a_bad_value_raises_field_errors(world):
    with pytest.raises(ValidationError) as exc:
        health_report_record(actor=world.grid_worker, **row(world.shan, slot="night"))
    assert set(exc.value.message_dict) == {"slot"}


def test_a_fever_with_cough_opens_one_ili_alert_owned_by_the_responsible_worker(world):
    obs = observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.RISK_AREA,
        risk_area="某市某区",
        arrival_date=TODAY - datetime.timedelta(days=2),
    )
    health_report_record(
        actor=world.grid_worker, **row(world.shan, temperature=Decimal("38.6"), cough=True)
    )
    health_report_record(
        actor=world.grid_worker,
        **row(world.shan, slot=Slot.AFTERNOON, temperature=Decimal("38.9"), cough=True),
    )
    alert = Alert.objects.get()
    assert (alert.cause, alert.status, alert.hits) == (Cause.ILI, AlertStatus.OPEN, 2)
    assert alert.owner == world.grid_worker
    assert alert.observation == obs
    assert alert.due_at == NOW + datetime.timedelta(hours=2)
    assert HealthReport.objects.filter(observation=obs).count() == 2


def test_each_ingest_writes_one_audit_event(world):
    before = AuditEvent.objects.filter(action="health_reports.ingest").count()
    health_reports_ingest(actor=world.grid_worker, rows=[row(world.shan), row(world.zeng)])
    event = AuditEvent.objects.filter(action="health_reports.ingest").latest("id")
    assert AuditEvent.objects.filter(action="health_reports.ingest").count() == before + 1
    assert event.changes == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert event.org_path == world.grid_a.path


# ---------------------------------------------------------------- replays of replaced reports


def _ingest(world, *rows):
    return [r.result for r in health_reports_ingest(actor=world.grid_worker, rows=list(rows))]


def test_a_replaced_report_sent_again_changes_nothing(world):
    first = row(world.shan)
    fever = row(world.shan, temperature=Decimal("38.2"))
    _ingest(world, first)
    assert _ingest(world, fever) == ["updated"]
    events = AuditEvent.objects.count()
    assert _ingest(world, first) == ["unchanged"]
    assert HealthReport.objects.get().temperature == Decimal("38.2")
    assert AuditEvent.objects.count() == events


def test_a_report_replaced_within_its_batch_changes_nothing_when_sent_again(world):
    first = row(world.shan)
    fever = row(world.shan, temperature=Decimal("38.2"))
    assert _ingest(world, first, fever, row(world.zeng)) == ["created"] * 3
    assert _ingest(world, first) == ["unchanged"]
    assert HealthReport.objects.get(person=world.shan).temperature == Decimal("38.2")


def test_a_batch_sending_replaced_reports_again_changes_nothing(world):
    first = [row(world.shan), row(world.zeng)]
    _ingest(world, *first)
    _ingest(world, row(world.shan, temperature=Decimal("38.2")), row(world.zeng, cough=True))
    assert _ingest(world, *first, row(world.shan, slot=Slot.AFTERNOON)) == [
        "unchanged",
        "unchanged",
        "created",
    ]
    shan, zeng = (
        HealthReport.objects.get(person=p, slot=Slot.MORNING) for p in (world.shan, world.zeng)
    )
    assert (shan.temperature, shan.cough) == (Decimal("38.2"), False)
    assert (zeng.temperature, zeng.cough) == (Decimal("36.6"), True)


def test_the_same_values_under_a_new_uuid_are_remembered_without_an_audit_event(world):
    normal = row(world.shan)
    normal_again = {**normal, "client_uuid": uuid.uuid4()}  # e.g. a second phone
    _ingest(world, normal)
    events = AuditEvent.objects.count()
    assert _ingest(world, normal_again) == ["unchanged"]
    assert AuditEvent.objects.count() == events
    _ingest(world, row(world.shan, temperature=Decimal("38.2")))
    assert _ingest(world, normal_again) == ["unchanged"]
    assert HealthReport.objects.get().temperature == Decimal("38.2")


def test_a_superseded_report_is_still_unchanged_after_several_changes(world):
    reports = [row(world.shan, temperature=Decimal(t)) for t in ("36.5", "37.3", "38.2", "36.9")]
    for one in reports:
        _ingest(world, one)
    assert _ingest(world, *reports[:3]) == ["unchanged"] * 3
    assert HealthReport.objects.get().temperature == Decimal("36.9")


def test_a_uuid_of_another_slots_report_is_answered_with_that_report_every_time(world):
    (morning,) = health_reports_ingest(actor=world.grid_worker, rows=[row(world.shan)])
    afternoon = row(world.shan, slot=Slot.AFTERNOON)
    _ingest(world, afternoon)
    reused = {**afternoon, "client_uuid": morning.report.client_uuid, "cough": True}
    first = health_reports_ingest(actor=world.grid_worker, rows=[reused])
    again = health_reports_ingest(actor=world.grid_worker, rows=[reused])
    assert [(r.result, r.report_id) for r in first + again] == [
        ("unchanged", morning.report_id)
    ] * 2
    assert not HealthReport.objects.filter(cough=True).exists()


def _queries(world, rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        health_reports_ingest(actor=world.grid_worker, rows=rows)
    return len(queries)


def test_replaying_and_remembering_take_as_many_queries_for_many_rows_as_for_one(world):
    slots = [(TODAY - datetime.timedelta(days=d), s) for d in (0, 1) for s in Slot.values]
    first = [row(world.shan, date=day, slot=slot) for day, slot in slots]
    _ingest(world, *first)
    _ingest(world, *(row(world.shan, date=d, slot=s, cough=True) for d, s in slots))

    def again_under_new_uuids(rows):
        return [{**r, "client_uuid": uuid.uuid4(), "cough": True} for r in rows]

    assert _queries(world, first[:1]) == _queries(world, first)  # superseded, sent again
    assert _queries(world, again_under_new_uuids(first[:1])) == _queries(
        world, again_under_new_uuids(first[1:])
    )
    assert HealthReport.objects.filter(cough=True).count() == len(slots)
