"""The absence pages and API: the designated person's list (open first, due today, filters),
the detail with its follow-up form and one-tap call, scoping (the teacher sees but does not
follow up; the other school's doctor gets 404), the API's masking and replays."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from shoumen.schools.models import AbsenceFollowUp, AbsenceStatus
from tests.schools.test_absence_world import (
    GUARDIAN_PHONE,
    NOW,
    TODAY,
    add_guardian,
    open_absence,
    other_school_doctor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_list_shows_open_absences_first_with_what_is_due_today(world, login):
    returned = open_absence(world.pupil("李小红"), first_day=TODAY - datetime.timedelta(days=5))
    returned.status, returned.returned_on = AbsenceStatus.RETURNED, TODAY
    returned.save()
    open_absence(world.pupil("张小明"), first_day=TODAY - datetime.timedelta(days=2))
    response = login(world.school_doctor).get(reverse("schools:absences") + "?status=")
    rows = response.context["rows"]
    assert [r["name"] for r in rows] == ["张小明", "李小红"]
    assert rows[0]["days"] == 3 and rows[0]["due"] is True
    assert rows[1]["due"] is False


def test_list_opens_on_the_open_absences(world, login):
    done = open_absence(world.pupil("李小红"))
    done.status = AbsenceStatus.RETURNED
    done.save()
    open_absence(world.pupil("张小明"))
    response = login(world.school_doctor).get(reverse("schools:absences"))
    assert [r["name"] for r in response.context["rows"]] == ["张小明"]


def test_list_opens_with_those_waiting_to_return_too(world, login):
    waiting = open_absence(world.pupil("李小红"), disease_code="varicella")
    waiting.status = AbsenceStatus.AWAITING_RETURN
    waiting.save()
    open_absence(world.pupil("张小明"))
    response = login(world.school_doctor).get(reverse("schools:absences"))
    assert [r["name"] for r in response.context["rows"]] == ["张小明", "李小红"]
    only_open = login(world.school_doctor).get(reverse("schools:absences") + "?status=open")
    assert [r["name"] for r in only_open.context["rows"]] == ["张小明"]


def test_list_filters_by_school_within_scope(world, login):
    open_absence(world.pupil("张小明"))
    open_absence(world.pupil("陈小军"))
    client = login(world.education_officer)
    both = client.get(reverse("schools:absences"))
    one = client.get(reverse("schools:absences") + f"?school={world.other_school.pk}&status=open")
    assert len(both.context["rows"]) == 2
    assert [r["absence"].school_id for r in one.context["rows"]] == [world.other_school.pk]
    # Officers outside the school see the names masked.
    assert {r["name"] for r in both.context["rows"]} == {"张**", "陈**"}


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    for name in ("张小明", "李小红", "王小刚", "赵小丽"):
        open_absence(world.pupil(name))
    client = login(world.school_doctor)
    client.get(reverse("schools:absences"))
    with django_assert_max_num_queries(12):
        client.get(reverse("schools:absences"))


def test_doctor_records_a_follow_up_on_the_page(world, login):
    absence = open_absence(world.pupil("张小明"))
    client = login(world.school_doctor)
    page = client.get(reverse("schools:absence", args=[absence.pk]))
    assert page.status_code == 200, page.content.decode()[-3000:]
    assert page.context["follows_up"]
    assert b"follow-up-form" in page.content, page.content.decode()
    response = client.post(
        reverse("schools:absence_follow_up", args=[absence.pk]),
        {
            "client_uuid": str(uuid.uuid4()),
            "date": TODAY.isoformat(),
            "reached": "1",
            "course": "better",
            "disease": "influenza",
        },
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.disease.code == "influenza"


def test_teacher_sees_the_absence_but_cannot_follow_up(world, login):
    absence = open_absence(world.pupil("张小明"))
    add_guardian(world.pupil("张小明"))
    client = login(world.teacher)
    page = client.get(reverse("schools:absence", args=[absence.pk]))
    assert page.status_code == 200
    assert b"follow-up-form" not in page.content and b"tap-call" not in page.content
    post = client.post(
        reverse("schools:absence_follow_up", args=[absence.pk]),
        {"client_uuid": str(uuid.uuid4()), "date": TODAY.isoformat(), "reached": "1"},
    )
    assert post.status_code == 403
    assert not AbsenceFollowUp.objects.exists()


def test_other_schools_doctor_gets_404(world, login):
    absence = open_absence(world.pupil("张小明"))
    client = login(other_school_doctor(world))
    assert client.get(reverse("schools:absence", args=[absence.pk])).status_code == 404
    post = client.post(reverse("schools:absence_follow_up", args=[absence.pk]), {})
    assert post.status_code == 404


def test_one_tap_call_answers_the_tel_link_without_the_number_in_a_url(world, login):
    pupil = world.pupil("张小明")
    absence, guardian = open_absence(pupil), add_guardian(pupil)
    client = login(world.school_doctor)
    page = client.get(reverse("schools:absence", args=[absence.pk]))
    assert GUARDIAN_PHONE.encode() not in page.content
    response = client.post(
        reverse("schools:absence_call", args=[absence.pk]),
        {"guardian": guardian.pk},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {"href": f"tel:{GUARDIAN_PHONE}"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _api(user):
    _token, raw = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_lists_absences_masked_and_paginated(world):
    open_absence(world.pupil("张小明"))
    open_absence(world.pupil("李小红"))
    response = _api(world.school_doctor).get(
        "/api/v1/absences", {"school": world.school.pk, "status": "open", "limit": 1}
    )
    body = response.json()
    assert response.status_code == 200 and body["count"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["pupil_name"] in {"张**", "李**"}
    assert body["items"][0]["follow_up_due"] is True


def test_api_refuses_a_school_out_of_scope(world):
    response = _api(world.school_doctor).get("/api/v1/absences", {"school": world.other_school.pk})
    assert response.status_code == 422


def test_api_follow_up_is_201_then_200_on_replay(world):
    absence = open_absence(world.pupil("张小明"))
    client = _api(world.school_doctor)
    body = {"client_uuid": str(uuid.uuid4()), "date": TODAY.isoformat(), "course": "same"}
    url = f"/api/v1/absences/{absence.pk}/follow-ups"
    first = client.post(url, json.dumps(body), content_type="application/json")
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert AbsenceFollowUp.objects.count() == 1


def test_api_follow_up_scoping(world):
    absence = open_absence(world.pupil("张小明"))
    body = json.dumps({"client_uuid": str(uuid.uuid4()), "date": TODAY.isoformat()})
    url = f"/api/v1/absences/{absence.pk}/follow-ups"
    teacher = _api(world.teacher).post(url, body, content_type="application/json")
    other = _api(other_school_doctor(world)).post(url, body, content_type="application/json")
    assert (teacher.status_code, other.status_code) == (403, 404)
    assert not AbsenceFollowUp.objects.exists()
