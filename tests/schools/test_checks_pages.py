"""The class teacher's phone pages: the access matrix of this part's pages, the one-tap
zero report, the roster form with its errors, a double tap as a replay, the locked pupil
waiting for a certificate, masked rosters and pupil pages."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from shoumen.schools.models import Absence, ClassCheck, Finding
from shoumen.schools.setup_services import guardian_set, pupil_update
from tests.pages.school_matrix_checks import POST_ROUTES, ROUTES
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2026, 10, 13, 8, 30, tzinfo=TZ)
ID_MING = "11010520190301001X"


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_check_pages_answer_each_persona_as_the_matrix_says(world, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    got = {
        name: client.get(reverse(name, args=args(world))).status_code
        for name, (args, _) in ROUTES.items()
    }
    assert got == {name: expected[persona] for name, (_, expected) in ROUTES.items()}
    posted = {
        name: client.post(reverse(name, args=ROUTES[name][0](world)), {}).status_code
        for name in POST_ROUTES
    }
    assert posted == {name: expected[persona] for name, expected in POST_ROUTES.items()}


def _uuid(html: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]+)"', html).group(1)


@time_machine.travel(MORNING, tick=False)
def test_one_tap_sends_the_zero_report_and_a_double_tap_is_a_replay(world, client):
    client.force_login(world.teacher)
    url = reverse("schools:check_new", args=[world.class_a.pk, "morning"])
    page = client.get(url)
    assert page.status_code == 200
    body = {"all_well": "1", "client_uuid": _uuid(page.content.decode()), "date": "2026-10-13"}
    first = client.post(url, body)
    assert first.status_code == 302
    assert first["Location"] == reverse("schools:class_today", args=[world.class_a.pk])
    second = client.post(url, body)
    assert second.status_code == 302
    check = ClassCheck.objects.get(klass=world.class_a)
    assert check.is_zero_report and check.present == 3
    today = client.get(first["Location"]).content.decode()
    assert 'data-testid="session-morning-done"' in today or "session-morning" in today


@time_machine.travel(MORNING, tick=False)
def test_the_roster_form_reports_a_sick_absentee_and_an_unwell_pupil(world, client):
    client.force_login(world.teacher)
    url = reverse("schools:check_new", args=[world.class_a.pk, "morning"])
    page = client.get(url).content.decode()
    ming, hong = world.pupil("张小明"), world.pupil("李小红")
    body = {
        "client_uuid": _uuid(page),
        "date": "2026-10-13",
        f"p{ming.pk}_status": "sick",
        f"p{ming.pk}_symptoms": ["fever", "cough"],
        f"p{ming.pk}_temperature": "38.5",
        f"p{ming.pk}_onset": "2026-10-12",
        f"p{ming.pk}_diagnosis": "influenza",
        f"p{hong.pk}_status": "symptomatic",
        f"p{hong.pk}_symptoms": ["headache"],
        f"p{hong.pk}_room": "on",
        f"p{hong.pk}_notified": "on",
    }
    response = client.post(url, body)
    assert response.status_code == 302
    check = ClassCheck.objects.get(klass=world.class_a)
    assert (check.present, check.sick_absent, check.symptomatic) == (2, 1, 1)
    unwell = Finding.objects.get(pupil=hong)
    assert unwell.to_observation_room and unwell.guardian_notified
    assert Absence.objects.get(pupil=ming).disease.code == "influenza"


@time_machine.travel(MORNING, tick=False)
def test_a_bad_temperature_shows_its_error_and_writes_nothing(world, client):
    client.force_login(world.teacher)
    url = reverse("schools:check_new", args=[world.class_a.pk, "morning"])
    page = client.get(url).content.decode()
    ming = world.pupil("张小明")
    body = {
        "client_uuid": _uuid(page),
        "date": "2026-10-13",
        f"p{ming.pk}_status": "symptomatic",
        f"p{ming.pk}_temperature": "45.0",
    }
    response = client.post(url, body)
    assert response.status_code == 400
    assert 'data-testid="form-error"' in response.content.decode()
    assert not ClassCheck.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_a_pupil_waiting_for_a_certificate_is_locked_as_sick_and_no_one_tap(world, client):
    ming = world.pupil("张小明")
    ming.return_pending = True
    ming.save()
    client.force_login(world.teacher)
    url = reverse("schools:check_new", args=[world.class_a.pk, "morning"])
    page = client.get(url).content.decode()
    assert 'data-testid="pending-note"' in page
    assert 'data-testid="all-well"' not in page
    assert 'data-testid="locked"' in page
    response = client.post(url, {"client_uuid": _uuid(page), "date": "2026-10-13"})
    assert response.status_code == 302
    assert ClassCheck.objects.get(klass=world.class_a).sick_absent == 1


@time_machine.travel(datetime.datetime(2026, 10, 1, 8, 30, tzinfo=TZ), tick=False)
def test_a_holiday_shows_no_form(world, client):
    client.force_login(world.teacher)
    page = client.get(reverse("schools:check_new", args=[world.class_a.pk, "morning"]))
    assert 'data-testid="no-school-day"' in page.content.decode()
    assert 'data-testid="check-form"' not in page.content.decode()


@time_machine.travel(MORNING, tick=False)
def test_class_today_offers_the_missed_checks_of_the_last_school_days(world, client):
    client.force_login(world.teacher)
    page = client.get(reverse("schools:class_today", args=[world.class_a.pk])).content.decode()
    assert "?date=2026-10-09" in page and "?date=2026-10-08" not in page


def test_the_roster_and_pupil_page_show_masked_numbers_and_age(world, client):
    ming = world.pupil("张小明")
    pupil_update(actor=world.school_doctor, pupil=ming, id_number=ID_MING)
    guardian_set(
        actor=world.school_doctor, pupil=ming, name="张父", relation="父亲", phone="13812345678"
    )
    client.force_login(world.teacher)
    roster = client.get(reverse("schools:class_pupils", args=[world.class_a.pk])).content.decode()
    assert "110105********001X" in roster and ID_MING not in roster
    assert "2019-03-01" not in roster
    page = client.get(reverse("schools:pupil", args=[ming.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert 'data-testid="pupil-edit"' not in page  # a class teacher does not manage pupils


def test_the_school_doctor_adds_a_pupil_on_the_roster(world, client):
    client.force_login(world.school_doctor)
    url = reverse("schools:class_pupils", args=[world.class_a.pk])
    response = client.post(
        url, {"name": "周小文", "sex": "F", "birth_date": "2019-06-01", "kind": "pupil"}
    )
    assert response.status_code == 302
    assert world.class_a.pupils.filter(name="周小文").exists()


def test_my_classes_groups_a_school_doctors_classes_and_a_teacher_sees_one(world, client):
    client.force_login(world.school_doctor)
    page = client.get(reverse("schools:my_classes")).content.decode()
    assert page.count('data-testid="class-row"') == 2
    client.force_login(world.teacher)
    page = client.get(reverse("schools:my_classes")).content.decode()
    assert page.count('data-testid="class-row"') == 1
    assert "一年级1班" in page and "一年级2班" not in page


def test_the_education_officer_sees_the_schools_but_not_the_resident_registry(world, client):
    client.force_login(world.education_officer)
    assert client.get(reverse("schools:school", args=[world.school.pk])).status_code == 200
    assert client.get(reverse("schools:class_pupils", args=[world.class_a.pk])).status_code == 200
    assert client.get(reverse("registry:grid", args=[world.grid_a.pk])).status_code in (403, 404)
    assert client.get(reverse("registry:person", args=[world.shan.pk])).status_code in (403, 404)


def test_the_school_doctor_takes_a_pupil_off_the_roll(world, client):
    gang = world.pupil("王小刚")
    client.force_login(world.school_doctor)
    response = client.post(
        reverse("schools:pupil_edit", args=[gang.pk]), {"off_the_roll": "1", "reason": "转学"}
    )
    assert response.status_code == 302
    assert world.class_a.pupils.filter(active=True).count() == 2
