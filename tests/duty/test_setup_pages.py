"""The duty set-up pages: posts and their shifts, people on duty and their absences."""

import datetime

import pytest
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import Absence, AbsenceKind, DutyPerson, Post, PostKind, Team
from shoumen.duty.setup_services import ERR_POST_NAME_TAKEN, ERR_SHIFT_CODE_TAKEN
from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import volunteer_register

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def _shift_data(rows, initial: int) -> dict:
    data = {
        "shifts-TOTAL_FORMS": str(len(rows)),
        "shifts-INITIAL_FORMS": str(initial),
        "shifts-MIN_NUM_FORMS": "0",
        "shifts-MAX_NUM_FORMS": "12",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"shifts-{i}-{key}"] = value
    return data


def _row(code, label, start, hours, headcount=1, **extra) -> dict:
    return {
        "code": code,
        "label": label,
        "start": start,
        "hours": str(hours),
        "headcount": str(headcount),
        "is_night": "auto",
        **extra,
    }


# ---------------------------------------------------------------- posts


def test_posts_page_lists_posts_with_their_shifts_and_headcounts(duty, world, login):
    duty.gate.shifts.filter(code="D").update(headcount=2, headcount_by_day={"5": 3})
    page = login(world.community_staff).get(reverse("duty:posts", args=[duty.community.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "北门卡点" in text and "24小时监测点" in text
    assert text.count('data-testid="post-card"') == 2
    assert reverse("duty:post_new", args=[duty.community.pk]) in text
    assert reverse("duty:index", args=[duty.community.pk]) in text


def test_posts_page_offers_posts_for_checkpoints_without_one(duty, world, login):
    Checkpoint.objects.create(community=duty.community, name="西门")
    page = login(world.community_staff).get(reverse("duty:posts", args=[duty.community.pk]))
    assert 'data-testid="posts-from-checkpoints"' in page.content.decode()


def test_posts_page_without_posts_says_so(world, login):
    page = login(world.community_staff).get(reverse("duty:posts", args=[world.community.pk]))
    assert 'data-testid="empty"' in page.content.decode()


def test_posts_from_checkpoints_button_adds_the_posts(duty, world, login):
    Checkpoint.objects.create(community=duty.community, name="西门")
    client = login(world.community_staff)
    response = client.post(reverse("duty:posts_from_checkpoints", args=[duty.community.pk]))
    assert response.status_code == 302
    post = Post.objects.get(name="西门")
    assert post.kind == PostKind.CHECKPOINT and post.shifts.count() == 3


def test_post_new_adds_a_post_with_the_chosen_pattern(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:post_new", args=[duty.community.pk]),
        {"name": "值班室", "kind": "duty_room", "team": "", "pattern": "two_twelves"},
    )
    post = Post.objects.get(name="值班室")
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:post_edit", args=[post.pk])
    assert [s.code for s in post.shifts.order_by("order")] == ["D", "N"]


def test_post_new_shows_a_taken_name_on_its_field(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:post_new", args=[duty.community.pk]),
        {"name": "北门卡点", "kind": "patrol", "pattern": "day_only"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [str(ERR_POST_NAME_TAKEN)]


def test_post_edit_page_shows_the_shift_editor(duty, world, login):
    page = login(world.community_staff).get(reverse("duty:post_edit", args=[duty.gate.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    # Three shifts and a blank one to add.
    assert text.count('data-testid="shift-form"') == 4
    assert 'name="shifts-0-day_holiday"' in text


def test_post_edit_saves_the_post_and_its_shifts(duty, world, login):
    client = login(world.community_staff)
    data = {
        "name": "北门卡点",
        "kind": "checkpoint",
        "checkpoint": str(duty.gate.checkpoint_id),
        "team": "",
        "is_active": "on",
        **_shift_data(
            [
                _row("N", "夜班", "20:00", 12, 2, needs_party="on", **{"day_holiday": "3"}),
                _row("D", "白班", "08:00", 12, 1, needs_medical="on"),
                _row("E", "晚班", "16:00", 8, DELETE="on"),
                _row("", "", "", "", 1),  # the blank form left as it was
            ],
            initial=3,
        ),
    }
    data["shifts-3-hours"] = ""
    response = client.post(reverse("duty:post_edit", args=[duty.gate.pk]), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    shifts = list(duty.gate.shifts.order_by("order"))
    assert [(s.code, s.hours, s.is_night, s.headcount) for s in shifts] == [
        ("N", 12, True, 2),
        ("D", 12, False, 1),
    ]
    assert shifts[0].headcount_by_day == {"holiday": 3}
    assert shifts[0].needs_party and shifts[1].needs_medical


def test_post_edit_shows_a_bad_shift_on_its_form(duty, world, login):
    client = login(world.community_staff)
    data = {
        "name": "北门卡点",
        "kind": "checkpoint",
        "checkpoint": str(duty.gate.checkpoint_id),
        "is_active": "on",
        **_shift_data([_row("N", "夜班", "00:00", 30)], initial=3),
    }
    data["shifts-TOTAL_FORMS"] = "1"
    data["shifts-INITIAL_FORMS"] = "1"
    response = client.post(reverse("duty:post_edit", args=[duty.gate.pk]), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["hours"]
    assert duty.gate.shifts.count() == 3


def test_a_service_error_on_a_shift_lands_on_its_form(duty, world, login):
    client = login(world.community_staff)
    data = {
        "name": "北门卡点",
        "kind": "checkpoint",
        "checkpoint": str(duty.gate.checkpoint_id),
        "is_active": "on",
        **_shift_data([_row("N", "夜班", "00:00", 8), _row("n", "夜班2", "08:00", 8)], initial=2),
    }
    response = client.post(reverse("duty:post_edit", args=[duty.gate.pk]), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["code"] == [str(ERR_SHIFT_CODE_TAKEN)]


def test_post_edit_fills_a_ready_made_pattern_in_without_saving(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:post_edit", args=[duty.gate.pk]),
        {
            "name": "北门卡点",
            "kind": "checkpoint",
            "checkpoint": str(duty.gate.checkpoint_id),
            "use_pattern": "1",
            "pattern": "day_only",
        },
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [f.initial.get("code") for f in formset.forms] == ["D", None]
    assert duty.gate.shifts.count() == 3


# ---------------------------------------------------------------- people


def test_people_page_lists_people_with_team_party_and_hours(duty, world, login):
    page = login(world.community_staff).get(reverse("duty:people", args=[duty.community.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="person-row"') == 12
    assert "社区工作人员" in text


def test_people_page_filters_by_team(duty, world, login):
    client = login(world.community_staff)
    url = reverse("duty:people", args=[duty.community.pk])
    medical = client.get(url, {"team": Team.MEDICAL}).content.decode()
    assert medical.count('data-testid="person-row"') == 3
    party = client.get(url, {"team": Team.PARTY}).content.decode()
    assert party.count('data-testid="person-row"') == 1


def test_people_page_is_paginated(duty, world, login):
    for i in range(20):
        v = Volunteer.objects.create(community=duty.community, name=f"加{i:02d}")
        DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)
    client = login(world.community_staff)
    url = reverse("duty:people", args=[duty.community.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('data-testid="person-row"') == 25
    assert second.count('data-testid="person-row"') == 7


def test_people_page_without_people_says_so(world, login):
    page = login(world.community_staff).get(reverse("duty:people", args=[world.community.pk]))
    assert 'data-testid="empty"' in page.content.decode()


def test_people_page_reads_in_few_queries(duty, world, login, django_assert_max_num_queries):
    client = login(world.community_staff)
    url = reverse("duty:people", args=[duty.community.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_person_new_adds_a_staff_member(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_new", args=[duty.community.pk]),
        {"who": "staff", "user": str(world.grid_worker.pk), "max_hours_week": "40"},
    )
    person = DutyPerson.objects.get(user=world.grid_worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:person", args=[person.pk])
    assert person.max_hours_week == 40


def test_person_new_offers_only_staff_of_the_community_not_on_duty(duty, world, login):
    page = login(world.community_staff).get(reverse("duty:person_new", args=[duty.community.pk]))
    offered = set(page.context["form"].fields["user"].queryset)
    assert world.grid_worker in offered and world.neighbour_worker in offered
    assert world.community_staff not in offered  # on duty already
    assert world.outsider not in offered and world.street_officer not in offered


def test_person_new_registers_a_new_volunteer_with_a_masked_phone(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_new", args=[duty.community.pk]),
        {
            "who": "new",
            "name": "刘洋",
            "phone": PHONE,
            "birth_year": "1990",
            "max_hours_week": "48",
        },
    )
    assert response.status_code == 302
    assert DutyPerson.objects.get(name="刘洋").volunteer.phone_last4 == "5678"
    page = client.get(response["Location"]).content.decode()
    assert "139****5678" in page
    assert PHONE not in page


def test_person_new_shows_a_bad_phone_on_its_field(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_new", args=[duty.community.pk]),
        {"who": "new", "name": "刘洋", "phone": "123", "max_hours_week": "48"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert not Volunteer.objects.filter(name="刘洋").exists()


def test_person_new_asks_for_the_staff_member_chosen(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_new", args=[duty.community.pk]),
        {"who": "staff", "max_hours_week": "48"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["user"]


def test_person_page_shows_details_masked_phone_and_absences(duty, world, login):
    v = volunteer_register(
        actor=world.community_staff, community=duty.community, name="王芳", phone=PHONE
    )
    person = DutyPerson.objects.create(community=duty.community, name="王芳", volunteer=v)
    Absence.objects.create(
        person=person,
        kind=AbsenceKind.LEAVE,
        starts_on=datetime.date(2026, 3, 5),
        ends_on=datetime.date(2026, 3, 6),
    )
    page = login(world.community_staff).get(reverse("duty:person", args=[person.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "139****5678" in text and PHONE not in text
    assert "2026-03-05" in text
    assert 'data-testid="absence-form"' in text


def test_person_page_without_absences_says_so(duty, world, login):
    page = login(world.community_staff).get(reverse("duty:person", args=[duty.staff.pk]))
    assert 'data-testid="no-absences"' in page.content.decode()


def test_person_page_adds_an_absence(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person", args=[duty.volunteer.pk]),
        {"kind": "leave", "starts_on": "2026-03-05", "ends_on": "2026-03-07", "note": ""},
    )
    assert response.status_code == 302
    assert duty.volunteer.absences.count() == 1


def test_person_page_shows_dates_out_of_order_on_the_field(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person", args=[duty.volunteer.pk]),
        {"kind": "leave", "starts_on": "2026-03-07", "ends_on": "2026-03-05"},
    )
    assert response.status_code == 400
    assert response.context["absence_form"].errors["ends_on"]


def test_absence_delete_removes_the_absence(duty, world, login):
    absence = Absence.objects.create(
        person=duty.volunteer,
        kind=AbsenceKind.UNAVAILABLE,
        starts_on=datetime.date(2026, 3, 5),
        ends_on=datetime.date(2026, 3, 5),
    )
    response = login(world.community_staff).post(reverse("duty:absence_delete", args=[absence.pk]))
    assert response.status_code == 302
    assert not Absence.objects.filter(pk=absence.pk).exists()
    assert AuditEvent.objects.filter(action="absence.remove").count() == 1


def test_person_edit_saves_preferences(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_edit", args=[duty.volunteer.pk]),
        {
            "name": "志愿者小李",
            "team": "medical",
            "is_party_member": "on",
            "skills": ["first_aid", "it"],
            "birth_year": "1960",
            "max_hours_week": "30",
            "prefers_no_nights": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    duty.volunteer.refresh_from_db()
    p = duty.volunteer
    assert (p.team, p.is_party_member, p.skills, p.birth_year, p.max_hours_week) == (
        "medical",
        True,
        ["first_aid", "it"],
        1960,
        30,
    )
    assert p.prefers_no_nights and not p.prefers_weekends_off and p.is_active


def test_person_edit_shows_an_impossible_year_on_its_field(duty, world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_edit", args=[duty.volunteer.pk]),
        {"name": "小李", "birth_year": "1800", "max_hours_week": "30", "is_active": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["birth_year"]


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("district_officer", 200),
        ("street_officer", 200),
        ("community_staff", 200),
        ("outsider", 404),
        ("grid_worker", 403),
        ("volunteer", 403),
        ("teacher", 403),
    ],
)
def test_setup_pages_by_persona(duty, world, login, persona, status):
    client = login(getattr(world, persona))
    for url in (
        reverse("duty:posts", args=[duty.community.pk]),
        reverse("duty:post_new", args=[duty.community.pk]),
        reverse("duty:post_edit", args=[duty.gate.pk]),
        reverse("duty:people", args=[duty.community.pk]),
        reverse("duty:person_new", args=[duty.community.pk]),
        reverse("duty:person", args=[duty.volunteer.pk]),
        reverse("duty:person_edit", args=[duty.volunteer.pk]),
    ):
        assert client.get(url).status_code == status, url


def test_a_grid_is_no_community_for_duty(world, login):
    client = login(world.community_staff)
    assert client.get(reverse("duty:posts", args=[world.grid_a.pk])).status_code == 404


def test_posts_page_reads_in_few_queries_however_many_posts(
    duty, world, login, django_assert_max_num_queries
):
    from shoumen.duty.setup_services import pattern_shifts, post_create

    for i in range(5):
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name=f"巡逻{i}",
            kind=PostKind.PATROL,
            shifts=pattern_shifts("three_eights"),
        )
    client = login(world.community_staff)
    url = reverse("duty:posts", args=[duty.community.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).content.decode().count('data-testid="post-card"') == 7


def test_person_edit_changes_a_volunteers_phone_and_shows_it_masked(duty, world, login):
    client = login(world.community_staff)
    url = reverse("duty:person_edit", args=[duty.volunteer.pk])
    response = client.post(
        url, {"name": "小李", "phone": PHONE, "max_hours_week": "48", "is_active": "on"}
    )
    assert response.status_code == 302
    duty.volunteer.refresh_from_db()
    assert duty.volunteer.name == "小李"
    assert duty.volunteer.volunteer.name == "小李"
    page = client.get(reverse("duty:person", args=[duty.volunteer.pk])).content.decode()
    assert "139****5678" in page and PHONE not in page
    assert PHONE not in client.get(url).content.decode()


def test_person_edit_keeps_the_phone_when_left_empty(duty, world, login):
    v = duty.volunteer.volunteer
    from shoumen.registry.volunteer_services import volunteer_update

    volunteer_update(actor=world.community_staff, volunteer=v, phone=PHONE)
    client = login(world.community_staff)
    response = client.post(
        reverse("duty:person_edit", args=[duty.volunteer.pk]),
        {"name": "志愿者小李", "phone": "", "max_hours_week": "48", "is_active": "on"},
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.phone_last4 == "5678"


def test_a_staff_members_edit_form_has_no_phone(duty, world, login):
    page = login(world.community_staff).get(reverse("duty:person_edit", args=[duty.staff.pk]))
    assert "phone" not in page.context["form"].fields
