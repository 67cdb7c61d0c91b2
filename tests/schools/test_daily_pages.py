"""The health officer's Today and a day's report: classes not yet in by session with the
deadline, absences to follow up, the one-tap confirm."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.schools.models import Absence, DailyReport
from tests.schools.daily_helpers import all_in, at, check

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 10, 9)


@pytest.fixture
def friday():
    with time_machine.travel(at(FRIDAY, 15, 0), tick=False):
        yield


def today_page(client, world):
    return client.get(reverse("schools:today", args=[world.school.pk]))


def test_today_lists_classes_not_in_by_session(world, login, friday):
    all_in(world.school, FRIDAY, skip={("K2", "noon"), ("K1", "noon")})
    page = today_page(login(world.school_doctor), world)
    assert page.status_code == 200
    html = page.content.decode()
    noon = html.split('data-testid="missing-noon"')[1].split("</section>")[0]
    assert "一年级1班" in noon and "一年级2班" in noon
    assert 'data-testid="missing-morning"' not in html
    assert 'data-testid="confirm-form"' not in html
    assert 'data-testid="report-waiting"' in html


def test_one_tap_confirm_when_nothing_found(world, login, friday):
    all_in(world.school, FRIDAY)
    client = login(world.school_doctor)
    html = today_page(client, world).content.decode()
    assert 'data-testid="confirm-report"' in html and "btn-success" in html
    url = reverse("schools:daily_report", args=[world.school.pk, "2026-10-09"])
    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:today", args=[world.school.pk])
    report = DailyReport.objects.get()
    assert report.nothing_found and report.on_time
    html = today_page(client, world).content.decode()
    assert 'data-testid="report-confirmed"' in html
    assert 'data-testid="confirm-form"' not in html


def test_confirm_refused_while_a_class_is_missing_shows_the_classes(world, login, friday):
    all_in(world.school, FRIDAY, skip={("K2", "morning")})
    url = reverse("schools:daily_report", args=[world.school.pk, "2026-10-09"])
    response = login(world.school_doctor).post(url, {"remarks": ""})
    assert response.status_code == 400
    assert "一年级2班" in response.content.decode()
    assert not DailyReport.objects.exists()


def test_today_lists_absences_to_follow_up(world, login, friday):
    zhang = world.pupil("张小明")
    check(world.class_a, FRIDAY, "morning", sick=[(zhang, ["fever"])])
    Absence.objects.create(pupil=zhang, klass=world.class_a, school=world.school, first_day=FRIDAY)
    html = today_page(login(world.school_doctor), world).content.decode()
    section = html.split('data-testid="today-absences"')[1].split("</section>")[0]
    assert "张小明" in section


def test_a_days_report_shows_its_figures(world, login, friday):
    zhang = world.pupil("张小明")
    check(world.class_a, FRIDAY, "morning", sick=[(zhang, ["fever"])])
    url = reverse("schools:daily_report", args=[world.school.pk, "2026-10-09"])
    html = login(world.education_officer).get(url).content.decode()
    assert 'data-testid="figure-sick">1<' in html
    assert 'data-testid="confirm-form"' not in html  # receivers do not confirm


def test_a_bad_date_is_not_found(world, login):
    url = reverse("schools:daily_report", args=[world.school.pk, "2026-13-40"])
    assert login(world.school_doctor).get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_doctor", 200),
        ("principal", 200),
        ("education_officer", 200),
        ("cdc_officer", 200),
        ("teacher", 404),
        ("grid_worker", 403),
    ],
)
def test_who_opens_the_schools_today(world, login, persona, status, friday):
    assert today_page(login(getattr(world, persona)), world).status_code == status


def test_a_missed_day_is_confirmed_late_from_its_report_page(world, login):
    all_in(world.school, FRIDAY)
    url = reverse("schools:daily_report", args=[world.school.pk, "2026-10-09"])
    with time_machine.travel(at(datetime.date(2026, 10, 10), 9, 0), tick=False):
        client = login(world.school_doctor)
        assert 'data-testid="confirm-form"' in client.get(url).content.decode()
        response = client.post(url, {"remarks": "补报"})
    assert response.status_code == 302 and response["Location"] == url
    report = DailyReport.objects.get()
    assert (report.on_time, report.remarks) == (False, "补报")


def test_today_points_to_the_school_day_before_when_its_report_is_missing(world, login):
    monday = datetime.date(2026, 10, 12)
    with time_machine.travel(at(monday, 9, 0), tick=False):
        html = today_page(login(world.school_doctor), world).content.decode()
        url = reverse("schools:daily_report", args=[world.school.pk, "2026-10-10"])
        assert f'href="{url}"' in html.split('data-testid="previous-missing"')[1]
        DailyReport.objects.create(
            school=world.school,
            date=datetime.date(2026, 10, 10),
            confirmed_at=at(datetime.date(2026, 10, 10), 15),
            on_time=True,
        )
        html = today_page(login(world.school_doctor), world).content.decode()
    assert 'data-testid="previous-missing"' not in html


def test_today_reads_a_fixed_number_of_queries(world, login, friday, django_assert_max_num_queries):
    zhang = world.pupil("张小明")
    check(world.class_a, FRIDAY, "morning", sick=[(zhang, ["fever"])])
    Absence.objects.create(pupil=zhang, klass=world.class_a, school=world.school, first_day=FRIDAY)
    client = login(world.school_doctor)
    url = reverse("schools:today", args=[world.school.pk])
    client.get(url)
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200
    # More absences and missing classes read no more.
    li = world.pupil("李小红")
    check(world.class_a, FRIDAY, "noon", sick=[(li, ["cough"])])
    Absence.objects.create(pupil=li, klass=world.class_a, school=world.school, first_day=FRIDAY)
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200
