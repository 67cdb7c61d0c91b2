"""The duty set-up over the API: posts with their shifts, people on duty, phones masked."""

import json

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import DutyPerson, Post
from shoumen.duty.people_services import ERR_USER_NOT_STAFF
from shoumen.duty.setup_services import ERR_POST_NAME_TAKEN
from shoumen.lib.phones import ERR_PHONE_INVALID
from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import volunteer_register

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
PHONE = "13912345678"


class Api:
    def __init__(self, user):
        _token, raw = api_token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            BASE + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


def _post_body(**kw):
    return {
        "unit": "C1",
        "name": "值班室",
        "kind": "duty_room",
        "shifts": [
            {"code": "D", "label": "白班", "start": "08:00", "hours": 12},
            {"code": "N", "label": "夜班", "start": "20:00", "hours": 12, "headcount": 2},
        ],
        **kw,
    }


def test_get_posts_lists_a_communitys_posts_with_their_shifts(duty, world):
    answer = Api(world.community_staff).get("/duty/posts", unit="C1")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    gate = next(p for p in body["items"] if p["name"] == "北门卡点")
    assert gate["kind"] == "checkpoint" and gate["checkpoint"] == duty.gate.checkpoint_id
    assert [(s["code"], s["start"], s["is_night"]) for s in gate["shifts"]] == [
        ("N", "00:00", True),
        ("D", "08:00", False),
        ("E", "16:00", False),
    ]


def test_get_posts_takes_the_unit_by_id_too(duty, world):
    answer = Api(world.street_officer).get("/duty/posts", unit=str(duty.community.pk))
    assert answer.json()["count"] == 2


def test_get_posts_is_paginated(duty, world):
    body = Api(world.community_staff).get("/duty/posts", unit="C1", limit=1, offset=1).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_get_posts_outside_the_jurisdiction_is_404(duty, world):
    assert Api(world.outsider).get("/duty/posts", unit="C1").status_code == 404


def test_get_posts_for_a_role_without_duty_is_403(duty, world):
    assert Api(world.grid_worker).get("/duty/posts", unit="C1").status_code == 403


def test_post_posts_adds_a_post_with_its_shifts(duty, world):
    answer = Api(world.community_staff).post("/duty/posts", _post_body())
    assert answer.status_code == 201
    body = answer.json()
    assert [(s["code"], s["is_night"], s["headcount"]) for s in body["shifts"]] == [
        ("D", False, 1),
        ("N", True, 2),
    ]
    assert Post.objects.get(pk=body["id"]).community == duty.community


def test_post_posts_at_a_checkpoint(duty, world):
    west = Checkpoint.objects.create(community=duty.community, name="西门")
    answer = Api(world.community_staff).post(
        "/duty/posts", _post_body(name="西门卡点", kind="checkpoint", checkpoint=west.pk)
    )
    assert answer.status_code == 201
    assert answer.json()["checkpoint"] == west.pk


def test_post_posts_refuses_a_checkpoint_of_another_community(duty, world):
    other = Checkpoint.objects.create(community=world.unit("C2"), name="永安门")
    answer = Api(world.admin_user).post(
        "/duty/posts", _post_body(kind="checkpoint", checkpoint=other.pk)
    )
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["checkpoint"]


def test_post_posts_refuses_a_taken_name_in_the_error_shape(duty, world):
    answer = Api(world.community_staff).post("/duty/posts", _post_body(name="北门卡点"))
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"name": [str(ERR_POST_NAME_TAKEN)]}


def test_post_posts_names_the_bad_shift(duty, world):
    body = _post_body()
    body["shifts"][1]["code"] = "d"
    answer = Api(world.community_staff).post("/duty/posts", body)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["shifts[1].code"]
    assert not Post.objects.filter(name="值班室").exists()


def test_post_posts_refuses_hours_over_24(duty, world):
    body = _post_body()
    body["shifts"][0]["hours"] = 30
    assert Api(world.community_staff).post("/duty/posts", body).status_code == 422


def test_get_people_lists_people_with_phones_masked(duty, world):
    v = volunteer_register(
        actor=world.community_staff, community=duty.community, name="王芳", phone=PHONE
    )
    DutyPerson.objects.create(community=duty.community, name="王芳", volunteer=v)
    answer = Api(world.community_staff).get("/duty/people", unit="C1", limit=100)
    assert answer.status_code == 200
    assert PHONE not in answer.content.decode()
    body = answer.json()
    assert body["count"] == 13
    wang = next(p for p in body["items"] if p["name"] == "王芳")
    assert (wang["kind"], wang["phone_masked"]) == ("volunteer", "139****5678")
    staff = next(p for p in body["items"] if p["user"] == world.community_staff.pk)
    assert staff["kind"] == "staff" and staff["phone_masked"] == ""


def test_post_people_adds_a_new_volunteer_and_answers_the_phone_masked(duty, world):
    answer = Api(world.community_staff).post(
        "/duty/people",
        {
            "unit": "C1",
            "new_volunteer": {"name": "刘洋", "phone": PHONE, "birth_year": 1990},
            "team": "medical",
            "skills": ["first_aid"],
        },
    )
    assert answer.status_code == 201
    assert PHONE not in answer.content.decode()
    body = answer.json()
    assert (body["phone_masked"], body["team"], body["skills"], body["birth_year"]) == (
        "139****5678",
        "medical",
        ["first_aid"],
        1990,
    )
    assert Volunteer.objects.get(name="刘洋").community == duty.community


def test_post_people_adds_a_staff_member_by_login(duty, world):
    answer = Api(world.community_staff).post(
        "/duty/people", {"unit": "C1", "user": world.grid_worker.pk}
    )
    assert answer.status_code == 201
    assert answer.json()["kind"] == "staff"


def test_post_people_refuses_a_login_outside_the_community(duty, world):
    for user in (world.outsider.pk, 10**9):
        answer = Api(world.community_staff).post("/duty/people", {"unit": "C1", "user": user})
        assert answer.status_code == 422
        assert answer.json()["errors"] == {"user": [str(ERR_USER_NOT_STAFF)]}


def test_post_people_refuses_a_bad_phone_on_the_new_volunteer(duty, world):
    answer = Api(world.community_staff).post(
        "/duty/people", {"unit": "C1", "new_volunteer": {"name": "刘洋", "phone": "123"}}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"new_volunteer.phone": [str(ERR_PHONE_INVALID)]}
    assert not Volunteer.objects.filter(name="刘洋").exists()


def test_post_people_adds_a_registered_volunteer(duty, world):
    v = Volunteer.objects.create(community=duty.community, name="老张")
    answer = Api(world.community_staff).post("/duty/people", {"unit": "C1", "volunteer": v.pk})
    assert answer.status_code == 201
    assert answer.json()["volunteer"] == v.pk


def test_post_people_outside_the_jurisdiction_is_404(duty, world):
    answer = Api(world.outsider).post(
        "/duty/people", {"unit": "C1", "new_volunteer": {"name": "刘洋"}}
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("unit", ["²", "99999999999999999999", "G1", "S1"])
def test_get_posts_of_no_community_in_scope_is_404(duty, world, unit):
    assert Api(world.admin_user).get("/duty/posts", unit=unit).status_code == 404
