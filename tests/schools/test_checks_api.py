"""The class checks' API: the access matrix of its operations, 201/200 on replay, 409 on
a session already checked, 422 field errors, masked pupils, and eight copies at once."""

import datetime
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.schools.models import ClassCheck
from shoumen.schools.setup_services import pupil_update
from tests.api.school_matrix_checks import OPERATIONS, PATH_IDS
from tests.concurrency import at_once, postgresql_only, world_for_threads
from tests.personas import PERSONAS

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 10, 13)
ID_MING = "11010520190301001X"  # 张小明's: born 2019-03-01, male


def _client(user) -> Client:
    _token, raw = api_token_create(actor=None, user=user)
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


def _post(client, body):
    return client.post("/api/v1/class-checks", json.dumps(body), content_type="application/json")


def _body(world, **changes):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "class_id": world.class_a.pk,
        "date": DAY.isoformat(),
        "session": "morning",
        "present": 3,
        "absences": [],
        "symptomatic": [],
    }
    return {**body, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_class_check_operations_answer_each_persona_as_the_matrix_says(world, persona):
    client = Client() if persona == "anonymous" else _client(getattr(world, persona))
    got = {}
    for (method, template), (body, _) in OPERATIONS.items():
        path = template
        if template in PATH_IDS:
            path = template.replace("{id}", str(PATH_IDS[template](world)))
        payload = body(world)
        if payload is None:
            response = client.generic(method, "/api/v1" + path)
        else:
            response = client.generic(
                method, "/api/v1" + path, json.dumps(payload), content_type="application/json"
            )
        got[(method, template)] = response.status_code
    assert got == {key: expected[persona] for key, (_, expected) in OPERATIONS.items()}


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 10, 13, 8, 30, tzinfo=TZ), tick=False)
def test_a_check_answers_201_then_200_on_replay_then_409_for_another_uuid(world):
    client = _client(world.teacher)
    body = _body(world)
    first = _post(client, body)
    assert first.status_code == 201
    assert first.json()["zero_report"] is True
    again = _post(client, body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = _post(client, _body(world))
    assert other.status_code == 409
    assert other.json()["existing_id"] == first.json()["id"]
    assert ClassCheck.objects.filter(klass=world.class_a).count() == 1


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 10, 13, 8, 30, tzinfo=TZ), tick=False)
def test_bad_values_answer_422_with_field_errors(world):
    client = _client(world.teacher)
    response = _post(client, _body(world, date="2026-10-01", present=2))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"date"} | {"present"}
    response = _post(client, _body(world, session="lunch"))
    assert response.status_code == 422
    assert "session" in response.json()["errors"]


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 10, 13, 8, 30, tzinfo=TZ), tick=False)
def test_three_absent_with_fever_and_cough_over_the_api(world):
    client = _client(world.teacher)
    pupils = list(world.class_a.pupils.order_by("pk"))
    absences = [
        {
            "pupil_id": p.pk,
            "kind": "sick",
            "symptoms": ["fever", "cough"],
            "onset_date": "2026-10-12",
        }
        for p in pupils
    ]
    response = _post(client, _body(world, present=0, absences=absences))
    assert response.status_code == 201
    assert response.json()["sick_absent"] == 3


@pytest.mark.django_db
def test_pupils_are_masked_with_age_and_no_birth_date(world):
    ming = world.pupil("张小明")
    pupil_update(actor=world.school_doctor, pupil=ming, id_number=ID_MING)
    response = _client(world.teacher).get(f"/api/v1/classes/{world.class_a.pk}/pupils")
    assert response.status_code == 200
    row = next(r for r in response.json()["items"] if r["id"] == ming.pk)
    assert row["id_number_masked"] == "110105********001X"
    assert "birth_date" not in row
    assert isinstance(row["age"], int)
    assert ID_MING not in response.content.decode()


@pytest.mark.django_db
def test_pupils_paginate(world):
    response = _client(world.school_doctor).get(
        f"/api/v1/classes/{world.class_a.pk}/pupils", {"limit": 2, "offset": 2}
    )
    assert response.json()["count"] == 3
    assert len(response.json()["items"]) == 1


@pytest.mark.django_db
def test_a_class_teacher_sees_their_school_with_their_class_only(world):
    client = _client(world.teacher)
    schools = client.get("/api/v1/schools").json()
    assert [s["id"] for s in schools["items"]] == [world.school.pk]
    classes = client.get(f"/api/v1/schools/{world.school.pk}/classes").json()
    assert [c["id"] for c in classes["items"]] == [world.class_a.pk]
    assert client.get(f"/api/v1/classes/{world.class_b.pk}/pupils").status_code == 404


@pytest.mark.django_db
def test_the_school_doctor_sees_every_class_of_the_school(world):
    classes = _client(world.school_doctor).get(f"/api/v1/schools/{world.school.pk}/classes")
    assert {c["id"] for c in classes.json()["items"]} == {world.class_a.pk, world.class_b.pk}


@pytest.mark.django_db
def test_the_education_officer_sees_schools_but_not_the_resident_registry(world):
    client = _client(world.education_officer)
    codes = {s["code"] for s in client.get("/api/v1/schools").json()["items"]}
    assert codes == {"SCH1", "SCH2"}
    persons = client.get("/api/v1/persons")
    assert persons.status_code == 403 or persons.json()["count"] == 0
    assert client.get(f"/api/v1/persons/{world.shan.pk}").status_code in (403, 404)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_eight_copies_of_a_check_sent_at_once_keep_one_check_and_never_500():
    world = world_for_threads()
    _token, raw = api_token_create(actor=None, user=world.teacher)
    body = json.dumps(_body(world, date=_today_school_day().isoformat()))
    before = AuditEvent.objects.filter(action="class_check.submit").count()

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        return client.post(
            "/api/v1/class-checks", body, content_type="application/json"
        ).status_code

    assert sorted(at_once(send)) == [200] * 7 + [201]
    assert ClassCheck.objects.filter(klass=world.class_a).count() == 1
    assert AuditEvent.objects.filter(action="class_check.submit").count() == before + 1


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_eight_different_checks_of_one_session_at_once_keep_one_and_answer_409_as_the_first_writes(
    refusal_may_write,
):
    world = world_for_threads()
    _token, raw = api_token_create(actor=None, user=world.teacher)
    day = _today_school_day().isoformat()

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        body = json.dumps(_body(world, date=day, session="noon"))
        return client.post(
            "/api/v1/class-checks", body, content_type="application/json"
        ).status_code

    assert sorted(at_once(send)) == [201] + [409] * 7
    assert ClassCheck.objects.filter(klass=world.class_a, session="noon").count() == 1


def _today_school_day() -> datetime.date:
    from shoumen.lib.dates import today
    from shoumen.schools.calendar import is_working_day

    day = today()
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day
