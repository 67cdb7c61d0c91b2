"""The chronic pages: who reaches them, the follow-up form with its assessment shown
before saving, the list's filters and its constant query count, ending a case."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shoumen.alerts.models import Alert, Cause
from shoumen.healthcentre.models import FollowUp, Patient
from shoumen.lib.dates import today
from tests.healthcentre.chronic.helpers import record, register

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "client_uuid": "8a4e8e57-43c5-4f44-9b0e-6a3a7a4f8a01",
        "date": today().isoformat(),
        "way": "clinic",
        "systolic": "182",
        "diastolic": "112",
        "medication_adherence": "regular",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("family_doctor", 200),
        ("centre_nurse", 200),
        ("grid_worker", 403),
        ("community_staff", 403),
        ("street_officer", 403),
        ("outsider", 403),
    ],
)
def test_the_patient_list_is_for_the_centres_people(world, login, persona, status):
    assert login(getattr(world, persona)).get("/health/patients/").status_code == status


def test_a_patient_outside_ones_communities_is_not_found(world, login):
    patient = register(world, person=world.outsider_person, actor=world.admin_user)
    client = login(world.family_doctor)
    assert client.get(f"/health/patients/{patient.pk}/").status_code == 404
    assert client.get(f"/health/patients/{patient.pk}/follow-up/").status_code == 404


def test_the_doctor_sees_the_patient_with_plan_and_history(world, login):
    patient = register(world)
    record(world, patient, systolic=150, diastolic=95)
    response = login(world.family_doctor).get(f"/health/patients/{patient.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="trend"' in body and "150/95" in body
    assert "110105195001010020" not in body


def test_the_preview_shows_the_urgent_referral_and_writes_nothing(world, login):
    patient = register(world)
    client = login(world.family_doctor)
    response = client.post(
        f"/health/patients/{patient.pk}/follow-up/preview/", _form(), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-value="urgent"' in body and 'data-value="unsatisfactory"' in body
    assert FollowUp.objects.count() == 0 and not Alert.objects.exists()


def test_the_check_button_shows_the_assessment_without_script(world, login):
    patient = register(world)
    client = login(world.family_doctor)
    response = client.post(f"/health/patients/{patient.pk}/follow-up/", _form(preview="1"))
    assert response.status_code == 200
    assert 'data-value="urgent"' in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_saving_records_the_follow_up_and_raises_the_urgent_alert(world, login):
    patient = register(world)
    client = login(world.family_doctor)
    response = client.post(f"/health/patients/{patient.pk}/follow-up/", _form())
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/health/follow-ups/{follow_up.pk}/"
    assert follow_up.referral == "urgent"
    assert Alert.objects.filter(cause=Cause.HEALTH_URGENT_REFERRAL).count() == 1
    again = client.post(f"/health/patients/{patient.pk}/follow-up/", _form())
    assert again.status_code == 302 and FollowUp.objects.count() == 1
    assert client.get(response["Location"]).status_code == 200


def test_a_form_with_errors_is_shown_again_with_them(world, login):
    patient = register(world)
    client = login(world.family_doctor)
    response = client.post(
        f"/health/patients/{patient.pk}/follow-up/", _form(systolic="80", diastolic="90")
    )
    assert response.status_code == 400
    assert FollowUp.objects.count() == 0


def test_the_diabetes_form_asks_for_glucose_not_salt(world, login):
    patient = register(world, disease="E11")
    body = login(world.family_doctor).get(f"/health/patients/{patient.pk}/follow-up/")
    text = body.content.decode()
    assert 'name="fasting_glucose"' in text and 'name="salt"' not in text
    assert 'name="dorsalis_pedis_pulse"' in text


def test_the_list_filters_referral_checks_due(world, login):
    due = register(world)
    register(world, person=world.shan)
    Patient.objects.filter(pk=due.pk).update(referral_check_due_on=today())
    client = login(world.family_doctor)
    body = client.get("/health/patients/?referral_due=on").content.decode()
    assert body.count('data-testid="patient-row"') == 1
    assert f"/health/patients/{due.pk}/" in body


def test_the_list_filters_overdue_and_uncontrolled(world, login):
    late = register(world)
    Patient.objects.filter(pk=late.pk).update(
        next_follow_up_on=today() - datetime.timedelta(days=1), last_classification="unsatisfactory"
    )
    register(world, person=world.shan)
    client = login(world.family_doctor)
    for query in ("due=overdue", "uncontrolled=on", "disease=I10&due=due"):
        body = client.get(f"/health/patients/?{query}").content.decode()
        assert body.count('data-testid="patient-row"') == 1, query


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_for_one_patient_or_three(world, login):
    client = login(world.family_doctor)
    register(world)
    _queries(client, "/health/patients/")
    few = _queries(client, "/health/patients/")
    register(world, person=world.shan)
    register(world, person=world.neighbour)
    assert _queries(client, "/health/patients/") == few


def test_ending_a_case_from_its_page(world, login):
    patient = register(world)
    client = login(world.family_doctor)
    response = client.post(f"/health/patients/{patient.pk}/end/", {"reason": "moved"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.status == "ended"
    assert client.get(f"/health/patients/{patient.pk}/follow-up/").status_code == 302


def test_registering_from_the_tagged_list(world, login):
    client = login(world.family_doctor)
    body = client.get("/health/patients/tagged/").content.decode()
    assert f"?person={world.zeng.pk}" in body
    form = client.get(f"/health/patients/new/?person={world.zeng.pk}&source=registry_tag")
    assert form.status_code == 200
    response = client.post(
        "/health/patients/new/",
        {
            "person": world.zeng.pk,
            "disease": "I10",
            "source": "registry_tag",
            "client_uuid": "8a4e8e57-43c5-4f44-9b0e-6a3a7a4f8a02",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302 and patient.source == "registry_tag"
    assert f"?person={world.zeng.pk}" not in client.get("/health/patients/tagged/").content.decode()


def test_finding_a_resident_to_register_by_name(world, login):
    body = login(world.family_doctor).get("/health/patients/new/?q=单明").content.decode()
    assert f"?person={world.shan.pk}" in body


def test_a_resident_to_register_is_found_as_the_registry_finds_them(world, login):
    """The search a doctor uses to sign a contract: name, pinyin or the last digits."""
    client = login(world.family_doctor)
    assert f"?person={world.shan.pk}" in client.get("/health/patients/new/?q=0019").content.decode()
    # 李强 lives in another street: not found by his last digits either.
    found = client.get("/health/patients/new/?q=0032").content.decode()
    assert f"?person={world.outsider_person.pk}" not in found


def test_only_residents_are_registered(world, login):
    Person = type(world.zeng)
    Person.objects.filter(pk=world.zeng.pk).update(status="moved_out")
    client = login(world.family_doctor)
    assert client.get(f"/health/patients/new/?person={world.zeng.pk}").status_code == 404
    assert client.get("/health/patients/new/?q=曾丽").content.decode().count("?person=") == 0


def test_a_raised_first_visit_reading_offers_registration_and_writes_nothing(world, login):
    client = login(world.centre_nurse)
    url = "/health/patients/first-visit/"
    raised = client.post(url, {"person": world.zeng.pk, "systolic": "150", "diastolic": "85"})
    assert raised.status_code == 200
    body = raised.content.decode()
    assert 'data-testid="first-visit-raised"' in body
    assert f"?person={world.zeng.pk}&amp;source=first_visit" in body
    normal = client.post(url, {"person": world.zeng.pk, "systolic": "128", "diastolic": "80"})
    assert 'data-testid="first-visit-normal"' in normal.content.decode()
    assert Patient.objects.count() == 0


def test_a_first_visit_reading_with_systolic_below_diastolic_is_refused(world, login):
    client = login(world.centre_nurse)
    response = client.post(
        "/health/patients/first-visit/",
        {"person": world.zeng.pk, "systolic": "80", "diastolic": "90"},
    )
    assert response.status_code == 400


def test_the_plan_shows_the_target_of_the_patients_age(world, login):
    elderly = register(world)
    younger = register(world, person=world.shan)
    client = login(world.family_doctor)
    assert "&lt; 150/90 mmHg" in client.get(f"/health/patients/{elderly.pk}/").content.decode()
    assert "&lt; 140/90 mmHg" in client.get(f"/health/patients/{younger.pk}/").content.decode()


def test_a_patients_page_costs_the_same_for_one_follow_up_or_four(world, login):
    client = login(world.family_doctor)
    patient = register(world)
    url = f"/health/patients/{patient.pk}/"
    record(world, patient)
    _queries(client, url)
    few = _queries(client, url)
    for _i in range(3):
        record(world, patient)
    assert _queries(client, url) == few
