"""POST /api/v1/health-reports and /health-reports/batch: results, field errors, replays."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoumen.accounts.services import api_token_create
from shoumen.alerts.models import Alert, Cause
from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_NOT_ALLOWED
from shoumen.observation.api import ERR_ROW_NOT_OBJECT
from shoumen.observation.health_reports import (
    ERR_REPORT_DATE_OLD,
    ERR_TEMPERATURE_RANGE,
    REPORT_BACKFILL_DAYS,
)
from shoumen.observation.models import HealthReport, Kind, Reason
from shoumen.observation.schemas import ERR_BATCH_EMPTY, ERR_BATCH_TOO_LARGE, MAX_BATCH
from shoumen.observation.services import ERR_PERSON_UNKNOWN, observation_start
from tests.api.conftest import ApiClient

NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> ApiClient:
    _token, raw = api_token_create(actor=None, user=user)
    return ApiClient(raw)


def report(person, **overrides):
    values = {
        "person": person.pk,
        "date": TODAY.isoformat(),
        "slot": "am",
        "temperature": "36.6",
        "source": "worker_phone",
        "client_uuid": str(uuid.uuid4()),
    }
    return {**values, **overrides}


# ---------------------------------------------------------------- one report


def test_a_new_report_is_created_and_a_replay_answers_unchanged(world):
    api = client_for(world.grid_worker)
    body = report(world.shan)
    first = api.post("/health-reports", body)
    again = api.post("/health-reports", body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["result"] == "created"
    assert again.json()["result"] == "unchanged"
    assert again.json()["report"]["id"] == first.json()["report"]["id"]
    assert HealthReport.objects.count() == 1


def test_a_second_report_for_the_same_slot_updates_it(world):
    api = client_for(world.grid_worker)
    api.post("/health-reports", report(world.shan))
    response = api.post("/health-reports", report(world.shan, temperature="37.1", cough=True))
    assert response.status_code == 200
    assert response.json()["result"] == "updated"
    assert response.json()["report"]["symptoms"] == ["cough"]
    assert HealthReport.objects.get().temperature == Decimal("37.1")


def test_the_report_says_which_observation_it_belongs_to(world):
    obs = observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.OTHER,
    )
    body = client_for(world.grid_worker).post("/health-reports", report(world.shan)).json()
    assert body["report"]["observation"] == obs.pk
    assert body["report"]["reached"] is True  # a worker's contact reached the person


def test_an_out_of_range_temperature_is_a_field_error_and_nothing_is_written(world):
    response = client_for(world.grid_worker).post(
        "/health-reports", report(world.shan, temperature="45.0")
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"temperature": [str(ERR_TEMPERATURE_RANGE)]}
    assert not HealthReport.objects.exists()


def test_a_malformed_value_is_a_field_error(world):
    response = client_for(world.grid_worker).post(
        "/health-reports", report(world.shan, client_uuid="not-a-uuid", slot="night")
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"client_uuid", "slot"}


def test_a_person_of_the_neighbouring_grid_is_unknown_to_the_worker(world):
    response = client_for(world.grid_worker).post("/health-reports", report(world.neighbour))
    assert response.status_code == 422
    assert response.json()["errors"] == {"person": [str(ERR_PERSON_UNKNOWN)]}


def test_a_role_without_follow_up_rights_is_refused(world):
    response = client_for(world.volunteer).post("/health-reports", report(world.shan))
    assert response.status_code == 403
    assert response.json()["detail"] == str(ERR_NOT_ALLOWED)


def test_a_fever_with_cough_through_the_api_opens_an_ili_alert(world):
    client_for(world.grid_worker).post(
        "/health-reports", report(world.shan, temperature="38.6", cough=True)
    )
    alert = Alert.objects.get()
    assert (alert.cause, alert.person) == (Cause.ILI, world.shan)


# ---------------------------------------------------------------- batches


def test_each_row_of_a_batch_has_its_own_result_and_good_rows_are_kept(world):
    rows = [
        report(world.shan),
        report(world.zeng, temperature="45.0"),
        report(world.neighbour),
        "not an object",
        report(world.zeng, slot="pm", date=(TODAY - datetime.timedelta(days=10)).isoformat()),
        report(world.zeng, temperature="oops"),
        report(world.zeng, slot="pm"),
    ]
    response = client_for(world.grid_worker).post("/health-reports/batch", {"rows": rows})
    assert response.status_code == 200
    body = response.json()
    results = body["results"]
    assert [r["index"] for r in results] == list(range(len(rows)))
    assert [r["result"] for r in results] == [
        "created",
        "error",
        "error",
        "error",
        "error",
        "error",
        "created",
    ]
    assert results[1]["errors"] == {"temperature": [str(ERR_TEMPERATURE_RANGE)]}
    assert results[2]["errors"] == {"person": [str(ERR_PERSON_UNKNOWN)]}
    assert results[3]["errors"] == {"__all__": [str(ERR_ROW_NOT_OBJECT)]}
    old = str(ERR_REPORT_DATE_OLD % {"days": REPORT_BACKFILL_DAYS})
    assert results[4]["errors"] == {"date": [old]}
    assert list(results[5]["errors"]) == ["temperature"]
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 5}
    saved = HealthReport.objects.order_by("id")
    assert [r.pk for r in saved] == [results[0]["id"], results[6]["id"]]
    assert results[1]["id"] is None


def test_every_row_of_a_larger_batch_is_saved_under_the_id_it_was_answered_with(world):
    persons = [world.shan, world.zeng, world.person("单小宝")]
    rows = [
        report(person, slot=slot, temperature=f"36.{n}")
        for n, (person, slot) in enumerate((p, s) for p in persons for s in ("am", "pm"))
    ]
    response = client_for(world.grid_worker).post("/health-reports/batch", {"rows": rows})
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["created"] * 6
    saved = HealthReport.objects.in_bulk([r["id"] for r in results])
    for row, result in zip(rows, results, strict=True):
        got = saved[result["id"]]
        assert (got.person_id, got.slot, str(got.temperature)) == (
            row["person"],
            row["slot"],
            row["temperature"],
        )
        assert got.client_uuid == uuid.UUID(row["client_uuid"])


def test_a_batch_writes_one_audit_event_with_its_counts(world):
    api = client_for(world.grid_worker)
    before = AuditEvent.objects.count()
    api.post("/health-reports/batch", {"rows": [report(world.shan), report(world.zeng)]})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "health_reports.ingest"
    assert event.changes == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}


def test_a_batch_over_the_limit_is_refused_whole_with_a_clear_message(world):
    rows = [report(world.shan)] * (MAX_BATCH + 1)
    response = client_for(world.grid_worker).post("/health-reports/batch", {"rows": rows})
    assert response.status_code == 422
    message = str(ERR_BATCH_TOO_LARGE % {"max": MAX_BATCH, "count": MAX_BATCH + 1})
    assert response.json()["errors"] == {"rows": [message]}
    assert not HealthReport.objects.exists()


def test_an_empty_batch_is_refused(world):
    response = client_for(world.grid_worker).post("/health-reports/batch", {"rows": []})
    assert response.status_code == 422
    assert response.json()["errors"] == {"rows": [str(ERR_BATCH_EMPTY)]}


def test_a_batch_of_exactly_the_limit_is_accepted(world):
    rows = [report(world.shan, client_uuid=str(uuid.uuid4())) for _ in range(MAX_BATCH)]
    response = client_for(world.grid_worker).post("/health-reports/batch", {"rows": rows})
    assert response.status_code == 200
    # All rows name the same slot: the last one decides, the others share its result.
    assert response.json()["counts"] == {
        "created": MAX_BATCH,
        "updated": 0,
        "unchanged": 0,
        "error": 0,
    }
    assert HealthReport.objects.get().client_uuid == uuid.UUID(rows[-1]["client_uuid"])


def test_rows_for_one_slot_share_the_last_rows_result_and_replay_unchanged(world):
    api = client_for(world.grid_worker)
    api.post("/health-reports", report(world.shan, temperature="36.4"))
    rows = [report(world.shan, temperature="36.8"), report(world.shan, temperature="37.0")]
    first = api.post("/health-reports/batch", {"rows": rows}).json()["results"]
    again = api.post("/health-reports/batch", {"rows": rows}).json()["results"]
    assert [r["result"] for r in first] == ["updated", "updated"]
    assert [r["result"] for r in again] == ["unchanged", "unchanged"]
    assert first[0]["id"] == first[1]["id"] == again[0]["id"]
    assert HealthReport.objects.get().temperature == Decimal("37.0")


# ---------------------------------------------------------------- replays (hypothesis)

PERSONS = ("单明", "曾丽", "单小宝", "王刚")  # the last is outside the worker's grid

symptom = st.booleans()
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "person": st.sampled_from(PERSONS),
            "date": st.integers(min_value=-1, max_value=REPORT_BACKFILL_DAYS).map(
                lambda back: (TODAY - datetime.timedelta(days=back)).isoformat()
            ),
            "slot": st.sampled_from(["am", "pm", "night"]),
            "temperature": st.one_of(
                st.none(), st.integers(min_value=340, max_value=440).map(lambda t: str(t / 10))
            ),
            "cough": symptom,
            "fever": symptom,
            "short_of_breath": symptom,
            "other_symptoms": st.sampled_from(["", "头痛"]),
            "source": st.sampled_from(["self", "proxy", "worker_phone", "worker_visit"]),
            "reached": st.sampled_from([None, True, False]),
            "client_uuid": st.uuids(version=4).map(str),
        }
    ),
    min_size=1,
    max_size=12,
)


def _state():
    reports = list(
        HealthReport.objects.order_by("id").values_list(
            "id", "person_id", "date", "slot", "temperature", "cough", "fever", "source",
            "reached", "client_uuid", "recorded_at",
        )
    )  # fmt: skip
    alerts = list(Alert.objects.order_by("id").values_list("id", "cause", "hits", "status"))
    return reports, alerts, AuditEvent.objects.count()


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows_strategy, single=st.booleans())
def test_replaying_any_batch_or_report_changes_nothing(world, rows, single):
    api = client_for(world.grid_worker)
    ids = {name: world.person(name).pk for name in PERSONS}
    rows = [{**row, "person": ids[row["person"]]} for row in rows]
    if single:
        first = [api.post("/health-reports", row) for row in rows]
        good = [r.status_code in (200, 201) for r in first]
        before = _state()
        again = [api.post("/health-reports", row) for row in rows]
        assert [r.status_code for r in again] == [
            200 if ok else 422 for ok in good
        ]  # fmt: skip
        replayed = [r.json()["result"] for r, ok in zip(again, good, strict=True) if ok]
        assert set(replayed) <= {"unchanged"}
    else:
        first = api.post("/health-reports/batch", {"rows": rows}).json()["results"]
        before = _state()
        again = api.post("/health-reports/batch", {"rows": rows}).json()["results"]
        for one, two in zip(first, again, strict=True):
            if one["result"] == "error":
                assert two["result"] == "error"
            else:
                assert two["result"] == "unchanged"
                assert two["id"] == one["id"]
    assert _state() == before


def test_a_superseded_report_sent_again_changes_nothing(world):
    api = client_for(world.grid_worker)
    normal = {
        "person": world.shan.pk,
        "date": TODAY.isoformat(),
        "slot": "am",
        "temperature": "36.5",
        "source": "worker_phone",
        "client_uuid": str(uuid.uuid4()),
    }
    normal_again = {**normal, "client_uuid": str(uuid.uuid4())}  # e.g. a second phone
    fever = {**normal, "temperature": "38.2", "client_uuid": str(uuid.uuid4())}
    for row in (normal, normal_again, fever):
        api.post("/health-reports", row)
    assert api.post("/health-reports", normal_again).json()["result"] == "unchanged"
    assert api.post("/health-reports", normal).json()["result"] == "unchanged"
    assert HealthReport.objects.get().temperature == Decimal("38.2")


def test_a_replaced_report_sent_again_in_a_batch_changes_nothing(world):
    api = client_for(world.grid_worker)
    first = [report(world.shan), report(world.zeng)]
    newer = [report(world.shan, temperature="38.2"), report(world.zeng, cough=True)]
    api.post("/health-reports/batch", {"rows": first})
    api.post("/health-reports/batch", {"rows": newer})
    before = _state()
    rows = [*first, report(world.shan, slot="pm")]
    body = api.post("/health-reports/batch", {"rows": rows}).json()
    assert [r["result"] for r in body["results"]] == ["unchanged", "unchanged", "created"]
    assert _state()[0][:2] == before[0]
    shan, zeng = (HealthReport.objects.get(person=p, slot="am") for p in (world.shan, world.zeng))
    assert (shan.temperature, shan.cough) == (Decimal("38.2"), False)
    assert (zeng.temperature, zeng.cough) == (Decimal("36.6"), True)
