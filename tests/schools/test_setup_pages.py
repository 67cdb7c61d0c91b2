"""Setting schools up from the pages: the education bureau adds a school under a street of
its district; the school's staff add classes and terms; every refusal writes nothing."""

import datetime

import pytest
from django.urls import reverse

from shoumen.places.models import Level, OrgUnit
from shoumen.schools.calendar import is_school_day
from shoumen.schools.models import School, SchoolClass, Term
from shoumen.schools.setup_services import ERR_TERM_DATES

pytestmark = pytest.mark.django_db


def _school_form(world, **overrides):
    return {
        "street": world.other_street.pk,
        "name": "和平里第二小学",
        "code": "SCH7",
        "kind": "primary",
        "address": "和平里东街3号",
        **overrides,
    }


def test_the_education_bureau_adds_a_school_under_a_street_of_its_district(world, client):
    client.force_login(world.education_officer)
    response = client.post(reverse("schools:school_new"), _school_form(world))
    school = School.objects.get(unit__code="SCH7")
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:school", args=[school.pk])
    assert school.unit.level == Level.SCHOOL
    assert OrgUnit.objects.get_parent(school.unit) == world.other_street


def test_a_school_code_already_taken_is_a_field_error_and_nothing_is_added(world, client):
    client.force_login(world.education_officer)
    before = OrgUnit.objects.count()
    response = client.post(reverse("schools:school_new"), _school_form(world, code="SCH1"))
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert OrgUnit.objects.count() == before


def test_a_principal_cannot_add_schools(world, client):
    client.force_login(world.principal)
    response = client.post(reverse("schools:school_new"), _school_form(world))
    assert response.status_code == 403
    assert not School.objects.filter(unit__code="SCH7").exists()


def test_the_health_officer_adds_a_class_to_their_school(world, client):
    client.force_login(world.school_doctor)
    response = client.post(
        reverse("schools:class_new", args=[world.school.pk]),
        {"name": "二年级1班", "code": "K21", "grade": 2},
    )
    klass = SchoolClass.objects.get(unit__code="K21")
    assert response.status_code == 302
    assert (klass.school, klass.grade, klass.boarding) == (world.school, 2, False)


def test_a_health_officer_cannot_add_a_class_to_another_school(world, client):
    client.force_login(world.school_doctor)
    response = client.post(
        reverse("schools:class_new", args=[world.other_school.pk]),
        {"name": "初一2班", "code": "K22", "grade": 7},
    )
    assert response.status_code == 404
    assert not SchoolClass.objects.filter(unit__code="K22").exists()


def test_a_term_bounds_the_school_days(world, client):
    client.force_login(world.principal)
    response = client.post(
        reverse("schools:terms", args=[world.school.pk]),
        {"name": "2026秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-15"},
    )
    assert response.status_code == 302
    school = School.objects.get(pk=world.school.pk)
    assert is_school_day(school, datetime.date(2026, 9, 1))
    assert not is_school_day(school, datetime.date(2026, 8, 31))
    assert not is_school_day(school, datetime.date(2027, 1, 18))


def test_a_term_ending_before_it_starts_is_refused(world, client):
    client.force_login(world.principal)
    response = client.post(
        reverse("schools:terms", args=[world.school.pk]),
        {"name": "错误学期", "starts_on": "2026-09-01", "ends_on": "2026-08-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [str(ERR_TERM_DATES)]
    assert not Term.objects.exists()


def test_the_cdc_sees_the_terms_but_cannot_change_them(world, client):
    client.force_login(world.cdc_officer)
    url = reverse("schools:terms", args=[world.school.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "x", "starts_on": "2026-09-01", "ends_on": "2027-01-15"})
    assert response.status_code == 403
    assert not Term.objects.exists()
