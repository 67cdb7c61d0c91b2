"""The elderly check's pages and API: the list (pinned queries), booking, the record form,
the way into chronic management, the register; scoping."""

import datetime
import io
import uuid

import pytest
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import ElderlyCheck
from shoumen.registry.models import Person
from tests.healthcentre.care.helpers import TODAY, book, frozen, record
from tests.personas import ID_ZENG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.LANGUAGE_CODE = "en"
    with frozen():
        yield


def test_the_list_shows_who_is_due_in_a_pinned_number_of_queries(
    world, client, django_assert_max_num_queries
):
    for n in range(30):
        Person.objects.create(
            name=f"老人{n}",
            sex="F",
            birth_date=datetime.date(1940, 1, 1),
            household=world.household_a,
            grid=world.grid_a,
            document_type="none",
        )
    client.force_login(world.family_doctor)
    client.get("/health/elderly/")
    with django_assert_max_num_queries(12):
        response = client.get("/health/elderly/?year=2026&page=2")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="elderly-row"') == 6


def test_a_worker_books_and_records_through_the_pages(world, client):
    client.force_login(world.centre_nurse)
    form = client.get(f"/health/elderly/book/?person={world.zeng.pk}&year=2026")
    assert form.status_code == 200
    response = client.post(
        "/health/elderly/book/",
        {"person": world.zeng.pk, "year": 2026, "client_uuid": str(uuid.uuid4())},
    )
    check = ElderlyCheck.objects.get()
    assert response.status_code == 302 and response.url == f"/health/elderly/{check.pk}/"
    response = client.post(
        f"/health/elderly/{check.pk}/",
        {
            "done_on": TODAY.isoformat(),
            "self_care_score": "19",
            "result": "chronic",
            "blood_pressure_value": "165/100",
            "blood_pressure_abnormal": "on",
        },
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.self_care, check.recorded_by) == ("dependent", world.centre_nurse)
    assert check.findings == {"blood_pressure": {"value": "165/100", "abnormal": True}}
    page = client.get(f"/health/elderly/{check.pk}/").content.decode()
    assert "Not self-caring" in page
    assert ID_ZENG not in page


def test_into_chronic_management_leads_to_registering_the_patient(world, client):
    check = record(world, book(world), result="chronic")
    client.force_login(world.family_doctor)
    page = client.get(f"/health/elderly/{check.pk}/").content.decode()
    assert f"/health/patients/new/?person={world.zeng.pk}" in page


def test_a_bad_record_is_refused_with_field_errors(world, client):
    check = book(world)
    client.force_login(world.family_doctor)
    response = client.post(f"/health/elderly/{check.pk}/", {"self_care_score": "31"})
    assert response.status_code == 400
    check.refresh_from_db()
    assert check.status == "booked"


def test_cancel_and_rebook_by_the_pages(world, client):
    check = book(world)
    client.force_login(world.family_doctor)
    response = client.post(f"/health/elderly/{check.pk}/rebook/", {"booked_for": "2026-07-01"})
    assert response.status_code == 302
    assert client.post(f"/health/elderly/{check.pk}/cancel/").status_code == 400
    assert client.post(f"/health/elderly/{check.pk}/cancel/", {"confirm": "yes"}).status_code == 302
    check.refresh_from_db()
    assert check.status == "cancelled" and check.booked_for == datetime.date(2026, 7, 1)


def test_officers_get_403_and_residents_outside_the_centre_404(world, client):
    check = book(world)
    client.force_login(world.street_officer)
    assert client.get("/health/elderly/").status_code == 403
    assert client.get(f"/health/elderly/{check.pk}/").status_code == 403
    Person.objects.filter(pk=world.outsider_person.pk).update(birth_date=datetime.date(1940, 1, 1))
    client.force_login(world.family_doctor)
    assert client.get(f"/health/elderly/book/?person={world.outsider_person.pk}").status_code == 404


def test_the_register_masks_id_numbers_and_is_audited(world, client):
    record(world, book(world))
    client.force_login(world.family_doctor)
    response = client.get("/health/elderly/ledger.xlsx?year=2026")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "曾丽" in cells and ID_ZENG not in cells
    assert any(c.startswith("1101") and "*" in c for c in cells)
    assert AuditEvent.objects.filter(action="elderly_ledger.export").count() == 1
    client.force_login(world.centre_nurse)
    assert client.get("/health/elderly/ledger.xlsx").status_code == 403


def test_the_api_books_idempotently_and_records(world, api):
    client = api(world.family_doctor)
    key = str(uuid.uuid4())
    body = {"client_uuid": key, "person": world.zeng.pk, "year": 2026}
    first = client.post("/health-centre/elderly-checks", body)
    again = client.post("/health-centre/elderly-checks", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    check_id = first.json()["id"]
    answer = client.post(
        f"/health-centre/elderly-checks/{check_id}/record",
        {
            "done_on": TODAY.isoformat(),
            "self_care_score": 4,
            "result": "normal",
            "findings": {"ecg": {"value": "窦性心律", "abnormal": False}},
        },
    )
    assert answer.status_code == 200 and answer.json()["self_care"] == "mild"
    listed = client.get("/health-centre/elderly-checks", year=2026).json()
    assert (listed["due"], listed["done"]) == (1, 1)
    assert listed["items"][0]["person_name"] == "曾*"
    for field, value in (("status", "x"), ("unit", "G4")):
        refused = client.get("/health-centre/elderly-checks", **{field: value})
        assert refused.status_code == 422 and list(refused.json()["errors"]) == [field]
    assert client.get("/health-centre/elderly-checks", unit="G1").json()["due"] == 1


def test_the_api_refuses_an_unknown_result_and_officers(world, api):
    check = book(world)
    body = {"done_on": TODAY.isoformat(), "self_care_score": 1, "result": "fine"}
    answer = api(world.family_doctor).post(f"/health-centre/elderly-checks/{check.pk}/record", body)
    assert answer.status_code == 422
    assert api(world.street_officer).get("/health-centre/elderly-checks").status_code == 403
