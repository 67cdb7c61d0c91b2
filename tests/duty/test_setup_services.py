"""Setting a community's duty up: posts, shift patterns, people on duty, absences."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    DutyPerson,
    Post,
    PostKind,
    Roster,
    Shift,
    Skill,
    Team,
)
from shoumen.duty.people_services import ACTION_LABELS as PEOPLE_ACTION_LABELS
from shoumen.duty.people_services import (
    ERR_ABSENCE_KIND,
    ERR_ABSENCE_NOT_REMOVABLE,
    ERR_ABSENCE_ORDER,
    ERR_ABSENCE_OVERLAPS,
    ERR_ABSENCE_TOO_LONG,
    ERR_ALREADY_ON_DUTY,
    ERR_MAX_HOURS,
    ERR_ONE_KIND_OF_PERSON,
    ERR_SKILL,
    ERR_STAFF_PHONE,
    ERR_USER_NOT_STAFF,
    ERR_VOLUNTEER_ELSEWHERE,
    absence_add,
    absence_remove,
    duty_person_add,
    duty_person_update,
)
from shoumen.duty.setup_services import (
    ACTION_LABELS,
    ERR_CHECKPOINT_ELSEWHERE,
    ERR_CHECKPOINT_NOT_FOR_KIND,
    ERR_CHECKPOINT_REQUIRED,
    ERR_CHECKPOINT_TAKEN,
    ERR_HEADCOUNT,
    ERR_HEADCOUNT_DAY,
    ERR_KIND,
    ERR_NAME_REQUIRED,
    ERR_NO_SHIFTS,
    ERR_NOT_COMMUNITY,
    ERR_PATTERN,
    ERR_POST_NAME_TAKEN,
    ERR_SHIFT_CODE_REQUIRED,
    ERR_SHIFT_CODE_TAKEN,
    ERR_SHIFT_HOURS,
    ERR_SHIFT_IN_USE,
    ERR_SHIFT_LABEL_REQUIRED,
    ERR_SHIFT_START,
    ERR_TEAM,
    PATTERNS,
    is_night_by_default,
    pattern_shifts,
    post_create,
    post_shifts_set,
    post_update,
    posts_from_checkpoints,
)
from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import ERR_BIRTH_YEAR
from tests.duty.conftest import MONDAY, NOW

pytestmark = pytest.mark.django_db
T = datetime.time


def _errors(exc) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def _shift(code="A", label="白班", start="08:00", hours=8, **kw) -> dict:
    return {"code": code, "label": label, "start": start, "hours": hours, **kw}


# ---------------------------------------------------------------- night by default


@pytest.mark.parametrize(
    ("start", "hours", "night"),
    [
        (T(0), 8, True),
        (T(8), 8, False),
        (T(16), 8, False),  # ends at midnight: no time after it
        (T(20), 12, True),
        (T(8), 12, False),
        (T(8), 10, False),
        (T(22), 4, True),
        (T(4, 30), 2, True),
        (T(5), 10, False),
        (T(23), 1, False),
        (T(23), 2, True),
    ],
)
def test_is_night_by_default_when_the_shift_has_time_from_00_to_05(start, hours, night):
    assert is_night_by_default(start, hours) is night


def test_ready_made_patterns_are_three_eights_two_twelves_and_day_only():
    with translation.override("en"):
        assert [str(label) for label, _ in PATTERNS.values()] == [
            "3 × 8 h (00–08 / 08–16 / 16–24)",
            "2 × 12 h (08–20 / 20–08)",
            "day only 08–18",
        ]
    three = pattern_shifts("three_eights")
    assert [(s["start"], s["hours"]) for s in three] == [(T(0), 8), (T(8), 8), (T(16), 8)]
    assert [(s["start"], s["hours"]) for s in pattern_shifts("two_twelves")] == [
        (T(8), 12),
        (T(20), 12),
    ]
    assert [(s["start"], s["hours"]) for s in pattern_shifts("day_only")] == [(T(8), 10)]


def test_an_unknown_pattern_is_refused():
    with pytest.raises(ValidationError) as exc:
        pattern_shifts("four_sixes")
    assert _errors(exc) == {"pattern": [str(ERR_PATTERN)]}


# ---------------------------------------------------------------- posts


def test_post_create_with_its_shifts_in_one_step_is_audited(duty, world):
    post = post_create(
        actor=world.community_staff,
        community=duty.community,
        name="南门卡点值守",
        kind=PostKind.DUTY_ROOM,
        team=Team.MEDICAL,
        shifts=pattern_shifts("two_twelves"),
    )
    assert post.team == Team.MEDICAL
    shifts = list(post.shifts.order_by("order"))
    assert [(s.code, s.start, s.hours, s.is_night) for s in shifts] == [
        ("D", T(8), Decimal("12.00"), False),
        ("N", T(20), Decimal("12.00"), True),
    ]
    actions = list(
        AuditEvent.objects.filter(target_id=str(post.pk), target_type="duty.post")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["post.create", "post.shifts_set"]


def test_post_name_is_unique_in_a_community(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name="24小时监测点",
            kind=PostKind.MONITORING,
        )
    assert _errors(exc) == {"name": [str(ERR_POST_NAME_TAKEN)]}


def test_the_same_post_name_is_fine_in_another_community(duty, world):
    post = post_create(
        actor=world.street_officer,
        community=world.unit("C2"),
        name="24小时监测点",
        kind=PostKind.MONITORING,
    )
    assert post.community.code == "C2"


def test_post_create_refuses_an_empty_name_and_an_unknown_kind_and_team(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff, community=duty.community, name=" ", kind="x", team="y"
        )
    assert _errors(exc) == {
        "name": [str(ERR_NAME_REQUIRED)],
        "kind": [str(ERR_KIND)],
        "team": [str(ERR_TEAM)],
    }


def test_a_checkpoint_post_needs_a_checkpoint(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name="西门",
            kind=PostKind.CHECKPOINT,
        )
    assert _errors(exc) == {"checkpoint": [str(ERR_CHECKPOINT_REQUIRED)]}


def test_a_checkpoint_post_links_a_checkpoint_of_the_same_community(duty, world):
    elsewhere = Checkpoint.objects.create(community=world.unit("C2"), name="永安东门")
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.admin_user,
            community=duty.community,
            name="东门",
            kind=PostKind.CHECKPOINT,
            checkpoint=elsewhere,
        )
    assert _errors(exc) == {"checkpoint": [str(ERR_CHECKPOINT_ELSEWHERE)]}


def test_a_checkpoint_has_one_post_at_most(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name="北门二号",
            kind=PostKind.CHECKPOINT,
            checkpoint=duty.gate.checkpoint,
        )
    assert _errors(exc) == {"checkpoint": [str(ERR_CHECKPOINT_TAKEN)]}


def test_only_a_checkpoint_post_stands_at_a_checkpoint(duty, world):
    west = Checkpoint.objects.create(community=duty.community, name="西门")
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name="西门巡逻",
            kind=PostKind.PATROL,
            checkpoint=west,
        )
    assert _errors(exc) == {"checkpoint": [str(ERR_CHECKPOINT_NOT_FOR_KIND)]}


def test_posts_are_set_up_for_a_community(world):
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.admin_user, community=world.street, name="街道值班室", kind="duty_room"
        )
    assert _errors(exc) == {"community": [str(ERR_NOT_COMMUNITY)]}


@pytest.mark.parametrize(
    "persona", ["grid_worker", "neighbour_worker", "volunteer", "outsider", "school_doctor"]
)
def test_post_create_needs_manage_duty_over_the_community(duty, world, persona):
    with pytest.raises(PermissionDenied):
        post_create(
            actor=getattr(world, persona),
            community=duty.community,
            name="新岗",
            kind=PostKind.PATROL,
        )
    assert not Post.objects.filter(name="新岗").exists()


def test_post_update_keeps_its_own_name_and_checkpoint_and_audits_the_change(duty, world):
    post_update(
        actor=world.community_staff,
        post=duty.gate,
        name="北门卡点",
        kind=PostKind.CHECKPOINT,
        checkpoint=duty.gate.checkpoint,
        team=Team.PARTY,
    )
    duty.gate.refresh_from_db()
    assert duty.gate.team == Team.PARTY
    event = AuditEvent.objects.get(action="post.update")
    assert event.changes == {"team": ["", "party"]}


def test_post_update_refuses_another_posts_name(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_update(
            actor=world.community_staff,
            post=duty.monitoring,
            name="北门卡点",
            kind=PostKind.MONITORING,
        )
    assert _errors(exc) == {"name": [str(ERR_POST_NAME_TAKEN)]}


def test_post_update_can_take_a_post_out_of_use(duty, world):
    post_update(
        actor=world.community_staff,
        post=duty.monitoring,
        name=duty.monitoring.name,
        kind=PostKind.MONITORING,
        is_active=False,
    )
    duty.monitoring.refresh_from_db()
    assert duty.monitoring.is_active is False


def test_posts_from_checkpoints_adds_a_three_eights_post_for_each_checkpoint_without_one(
    duty, world
):
    Checkpoint.objects.create(community=duty.community, name="西门")
    Checkpoint.objects.create(community=duty.community, name="南门")
    Checkpoint.objects.create(community=duty.community, name="旧门", is_active=False)
    Checkpoint.objects.create(community=world.unit("C2"), name="永安门")
    created = posts_from_checkpoints(actor=world.community_staff, community=duty.community)
    assert sorted(p.name for p in created) == ["南门", "西门"]
    for post in created:
        assert post.kind == PostKind.CHECKPOINT
        assert [(s.start, s.hours, s.is_night) for s in post.shifts.order_by("order")] == [
            (T(0), Decimal("8.00"), True),
            (T(8), Decimal("8.00"), False),
            (T(16), Decimal("8.00"), False),
        ]
    assert AuditEvent.objects.filter(action="post.create").count() == 2
    # Run again: nothing left to add.
    assert posts_from_checkpoints(actor=world.community_staff, community=duty.community) == []


def test_posts_from_checkpoints_gives_a_taken_name_a_number(duty, world):
    Checkpoint.objects.create(community=duty.community, name="24小时监测点")
    (post,) = posts_from_checkpoints(actor=world.community_staff, community=duty.community)
    assert post.name == "24小时监测点2"


def test_posts_from_checkpoints_needs_manage_duty(duty, world):
    Checkpoint.objects.create(community=duty.community, name="西门")
    with pytest.raises(PermissionDenied):
        posts_from_checkpoints(actor=world.grid_worker, community=duty.community)
    assert not Post.objects.filter(name="西门").exists()


# ---------------------------------------------------------------- shifts


def test_post_shifts_set_replaces_the_pattern_and_keeps_shifts_by_code(duty, world):
    night = duty.gate.shifts.get(code="N")
    shifts = post_shifts_set(
        actor=world.community_staff,
        post=duty.gate,
        shifts=[
            _shift("N", "夜班", "20:00", 12, headcount=2, headcount_by_day={"5": 3, "holiday": 4}),
            _shift("D", "白班", "08:00", 12, needs_medical=True, needs_party=True),
        ],
    )
    assert [s.code for s in shifts] == ["N", "D"]
    assert shifts[0].pk == night.pk
    assert shifts[0].is_night is True
    assert shifts[0].headcount_by_day == {"5": 3, "holiday": 4}
    assert shifts[1].needs_medical and shifts[1].needs_party
    assert not duty.gate.shifts.filter(code="E").exists()
    event = AuditEvent.objects.get(action="post.shifts_set")
    assert event.changes["shifts"][0]["start"] == "20:00"


def test_post_shifts_set_takes_is_night_when_given(duty, world):
    (shift,) = post_shifts_set(
        actor=world.community_staff,
        post=duty.monitoring,
        shifts=[_shift("N", "夜班", "00:00", 8, is_night=False)],
    )
    assert shift.is_night is False


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (_shift(code=""), "code", ERR_SHIFT_CODE_REQUIRED),
        (_shift(label=""), "label", ERR_SHIFT_LABEL_REQUIRED),
        (_shift(start="25:00"), "start", ERR_SHIFT_START),
        (_shift(start="八点"), "start", ERR_SHIFT_START),
        (_shift(hours=0), "hours", ERR_SHIFT_HOURS),
        (_shift(hours="0.5"), "hours", ERR_SHIFT_HOURS),
        (_shift(hours=25), "hours", ERR_SHIFT_HOURS),
        (_shift(hours="abc"), "hours", ERR_SHIFT_HOURS),
        (_shift(headcount=51), "headcount", ERR_HEADCOUNT),
        (_shift(headcount=-1), "headcount", ERR_HEADCOUNT),
        (_shift(headcount_by_day={"7": 1}), "headcount_by_day", ERR_HEADCOUNT_DAY),
        (_shift(headcount_by_day={"sunday": 1}), "headcount_by_day", ERR_HEADCOUNT_DAY),
        (_shift(headcount_by_day={"0": 60}), "headcount_by_day", ERR_HEADCOUNT_DAY),
    ],
)
def test_post_shifts_set_refuses_a_bad_shift_and_changes_nothing(duty, world, row, field, message):
    before = list(duty.gate.shifts.values_list("code", "start", "hours"))
    with pytest.raises(ValidationError) as exc:
        post_shifts_set(actor=world.community_staff, post=duty.gate, shifts=[_shift("Z"), row])
    assert _errors(exc) == {f"shifts[1].{field}": [str(message)]}
    assert list(duty.gate.shifts.values_list("code", "start", "hours")) == before
    assert not AuditEvent.objects.filter(action="post.shifts_set").exists()


def test_post_shift_codes_are_unique_within_the_post(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_shifts_set(
            actor=world.community_staff, post=duty.gate, shifts=[_shift("A"), _shift("a")]
        )
    assert _errors(exc) == {"shifts[1].code": [str(ERR_SHIFT_CODE_TAKEN)]}


def test_a_post_keeps_at_least_one_shift(duty, world):
    with pytest.raises(ValidationError) as exc:
        post_shifts_set(actor=world.community_staff, post=duty.gate, shifts=[])
    assert _errors(exc) == {"shifts": [str(ERR_NO_SHIFTS)]}


def test_hours_from_1_to_24_are_taken(duty, world):
    shifts = post_shifts_set(
        actor=world.community_staff,
        post=duty.gate,
        shifts=[_shift("A", hours=1), _shift("B", hours="24"), _shift("C", hours="7.5")],
    )
    assert [s.hours for s in shifts] == [Decimal(1), Decimal(24), Decimal("7.5")]


@time_machine.travel(NOW, tick=False)
def test_a_shift_on_a_roster_cannot_be_removed(duty, world):
    roster = Roster.objects.create(community=duty.community, starts_on=MONDAY, ends_on=MONDAY)
    evening = duty.gate.shifts.get(code="E")
    start = datetime.datetime(2026, 3, 2, 16, tzinfo=datetime.UTC)
    Assignment.objects.create(
        roster=roster,
        shift=evening,
        date=MONDAY,
        person=duty.staff,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
    )
    with pytest.raises(ValidationError) as exc:
        post_shifts_set(
            actor=world.community_staff,
            post=duty.gate,
            shifts=pattern_shifts("two_twelves"),
        )
    assert _errors(exc) == {"shifts": [str(ERR_SHIFT_IN_USE % {"code": "E"})]}
    assert duty.gate.shifts.count() == 3


def test_post_shifts_set_needs_manage_duty(duty, world):
    with pytest.raises(PermissionDenied):
        post_shifts_set(actor=world.volunteer, post=duty.gate, shifts=[_shift()])
    assert Shift.objects.filter(post=duty.gate).count() == 3


# ---------------------------------------------------------------- people on duty


def test_duty_person_add_takes_a_staff_member_of_the_community(duty, world):
    person = duty_person_add(
        actor=world.community_staff,
        community=duty.community,
        user=world.grid_worker,
        team=Team.PARTY,
        is_party_member=True,
        skills=[Skill.FIRST_AID, Skill.DRIVING],
        max_hours_week=40,
    )
    assert person.name == str(world.grid_worker)
    assert person.user == world.grid_worker
    assert person.skills == ["first_aid", "driving"]
    event = AuditEvent.objects.get(action="duty_person.add")
    assert event.changes["user"] == world.grid_worker.pk


def test_duty_person_add_refuses_a_login_with_no_role_in_the_community(duty, world):
    for user in (world.outsider, world.street_officer, world.teacher):
        with pytest.raises(ValidationError) as exc:
            duty_person_add(actor=world.admin_user, community=duty.community, user=user)
        assert _errors(exc) == {"user": [str(ERR_USER_NOT_STAFF)]}


def test_duty_person_add_refuses_someone_on_duty_already(duty, world):
    with pytest.raises(ValidationError) as exc:
        duty_person_add(
            actor=world.community_staff, community=duty.community, user=world.community_staff
        )
    assert _errors(exc) == {"user": [str(ERR_ALREADY_ON_DUTY)]}
    with pytest.raises(ValidationError) as exc:
        duty_person_add(
            actor=world.community_staff,
            community=duty.community,
            volunteer=duty.volunteer.volunteer,
        )
    assert _errors(exc) == {"volunteer": [str(ERR_ALREADY_ON_DUTY)]}


def test_duty_person_add_takes_an_existing_volunteer_with_their_year_of_birth(duty, world):
    v = Volunteer.objects.create(community=duty.community, name="老张", birth_year=1955)
    person = duty_person_add(actor=world.community_staff, community=duty.community, volunteer=v)
    assert (person.name, person.volunteer, person.birth_year) == ("老张", v, 1955)


def test_duty_person_add_refuses_a_volunteer_of_another_community(duty, world):
    v = Volunteer.objects.create(community=world.unit("C2"), name="永安志愿者")
    with pytest.raises(ValidationError) as exc:
        duty_person_add(actor=world.admin_user, community=duty.community, volunteer=v)
    assert _errors(exc) == {"volunteer": [str(ERR_VOLUNTEER_ELSEWHERE)]}


def test_duty_person_add_registers_a_new_volunteer(duty, world):
    person = duty_person_add(
        actor=world.community_staff,
        community=duty.community,
        new_volunteer={"name": "刘洋", "phone": "13912345678", "birth_year": 1990},
        team=Team.RESIDENTS,
    )
    v = person.volunteer
    assert (v.name, v.community, v.birth_year, v.phone_masked) == (
        "刘洋",
        duty.community,
        1990,
        "139****5678",
    )
    assert person.birth_year == 1990
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "volunteer.register",
        "duty_person.add",
    }


def test_a_new_volunteers_bad_phone_is_refused_and_nothing_is_written(duty, world):
    people, volunteers = DutyPerson.objects.count(), Volunteer.objects.count()
    with pytest.raises(ValidationError) as exc:
        duty_person_add(
            actor=world.community_staff,
            community=duty.community,
            new_volunteer={"name": "刘洋", "phone": "0000"},
        )
    assert list(_errors(exc)) == ["new_volunteer.phone"]
    assert (DutyPerson.objects.count(), Volunteer.objects.count()) == (people, volunteers)


def test_duty_person_add_takes_exactly_one_kind_of_person(duty, world):
    for kwargs in ({}, {"user": world.grid_worker, "new_volunteer": {"name": "甲"}}):
        with pytest.raises(ValidationError) as exc:
            duty_person_add(actor=world.community_staff, community=duty.community, **kwargs)
        assert exc.value.messages == [str(ERR_ONE_KIND_OF_PERSON)]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"team": "football"}, "team", ERR_TEAM),
        ({"skills": ["cooking"]}, "skills", ERR_SKILL),
        ({"birth_year": 1850}, "birth_year", ERR_BIRTH_YEAR),
        ({"max_hours_week": 0}, "max_hours_week", ERR_MAX_HOURS),
        ({"max_hours_week": 85}, "max_hours_week", ERR_MAX_HOURS),
    ],
)
def test_duty_person_add_refuses_bad_details(duty, world, kwargs, field, message):
    with pytest.raises(ValidationError) as exc:
        duty_person_add(
            actor=world.community_staff, community=duty.community, user=world.grid_worker, **kwargs
        )
    assert _errors(exc) == {field: [str(message)]}
    assert not DutyPerson.objects.filter(user=world.grid_worker).exists()


def test_duty_person_add_needs_manage_duty_over_the_community(duty, world):
    with pytest.raises(PermissionDenied):
        duty_person_add(
            actor=world.outsider, community=duty.community, new_volunteer={"name": "甲"}
        )
    assert not Volunteer.objects.filter(name="甲").exists()


def test_duty_person_update_changes_what_is_given_and_audits_it(duty, world):
    person = duty.people[5]
    duty_person_update(
        actor=world.street_officer,
        person=person,
        is_party_member=True,
        max_hours_week=84,
        prefers_no_nights=True,
        prefers_weekends_off=True,
        skills=["dialect"],
    )
    person.refresh_from_db()
    assert person.is_party_member and person.prefers_no_nights and person.prefers_weekends_off
    assert (person.max_hours_week, person.skills, person.team) == (84, ["dialect"], "residents")
    event = AuditEvent.objects.get(action="duty_person.update")
    assert event.changes["max_hours_week"] == [48, 84]
    assert "team" not in event.changes


def test_duty_person_update_can_set_someone_inactive(duty, world):
    duty_person_update(actor=world.community_staff, person=duty.volunteer, is_active=False)
    duty.volunteer.refresh_from_db()
    assert duty.volunteer.is_active is False


def test_duty_person_update_refuses_bad_hours_and_changes_nothing(duty, world):
    with pytest.raises(ValidationError) as exc:
        duty_person_update(
            actor=world.community_staff, person=duty.staff, max_hours_week=100, team=Team.MEDICAL
        )
    assert _errors(exc) == {"max_hours_week": [str(ERR_MAX_HOURS)]}
    duty.staff.refresh_from_db()
    assert (duty.staff.max_hours_week, duty.staff.team) == (48, Team.PARTY)


def test_duty_person_update_needs_manage_duty(duty, world):
    with pytest.raises(PermissionDenied):
        duty_person_update(actor=world.volunteer, person=duty.volunteer, is_active=False)


# ---------------------------------------------------------------- absences

D = datetime.date


def test_absence_add_records_leave_and_audits_it(duty, world):
    absence = absence_add(
        actor=world.community_staff,
        person=duty.volunteer,
        kind=AbsenceKind.LEAVE,
        starts_on=D(2026, 3, 5),
        ends_on=D(2026, 3, 7),
        note="回老家",
    )
    assert (absence.starts_on, absence.ends_on, absence.created_by) == (
        D(2026, 3, 5),
        D(2026, 3, 7),
        world.community_staff,
    )
    event = AuditEvent.objects.get(action="absence.add")
    assert event.changes["merged_into"] is None


def test_absence_kinds_are_leave_or_cannot_work(duty, world):
    with pytest.raises(ValidationError) as exc:
        absence_add(
            actor=world.community_staff,
            person=duty.volunteer,
            kind=AbsenceKind.SICK,
            starts_on=D(2026, 3, 5),
            ends_on=D(2026, 3, 5),
        )
    assert _errors(exc) == {"kind": [str(ERR_ABSENCE_KIND)]}


def test_absence_dates_in_order(duty, world):
    with pytest.raises(ValidationError) as exc:
        absence_add(
            actor=world.community_staff,
            person=duty.volunteer,
            kind=AbsenceKind.LEAVE,
            starts_on=D(2026, 3, 5),
            ends_on=D(2026, 3, 4),
        )
    assert _errors(exc) == {"ends_on": [str(ERR_ABSENCE_ORDER)]}


def test_an_absence_lasts_at_most_90_days(duty, world):
    absence_add(
        actor=world.community_staff,
        person=duty.volunteer,
        kind=AbsenceKind.LEAVE,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 1) + datetime.timedelta(days=89),
    )
    with pytest.raises(ValidationError) as exc:
        absence_add(
            actor=world.community_staff,
            person=duty.staff,
            kind=AbsenceKind.LEAVE,
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 3, 1) + datetime.timedelta(days=90),
        )
    assert _errors(exc) == {"ends_on": [str(ERR_ABSENCE_TOO_LONG % {"days": 90})]}


def test_overlapping_and_adjoining_absences_of_the_same_kind_are_merged(duty, world):
    add = {"actor": world.community_staff, "person": duty.volunteer, "kind": AbsenceKind.LEAVE}
    first = absence_add(**add, starts_on=D(2026, 3, 5), ends_on=D(2026, 3, 7))
    absence_add(**add, starts_on=D(2026, 3, 10), ends_on=D(2026, 3, 12))
    merged = absence_add(**add, starts_on=D(2026, 3, 8), ends_on=D(2026, 3, 9))
    assert merged.pk == first.pk
    assert list(duty.volunteer.absences.values_list("starts_on", "ends_on")) == [
        (D(2026, 3, 5), D(2026, 3, 12))
    ]
    assert AuditEvent.objects.filter(action="absence.add").order_by("pk").last().changes[
        "merged_into"
    ] == [
        "2026-03-05",
        "2026-03-12",
    ]


def test_a_merge_longer_than_90_days_is_refused(duty, world):
    add = {"actor": world.community_staff, "person": duty.volunteer, "kind": AbsenceKind.LEAVE}
    absence_add(**add, starts_on=D(2026, 3, 1), ends_on=D(2026, 4, 30))
    with pytest.raises(ValidationError) as exc:
        absence_add(**add, starts_on=D(2026, 5, 1), ends_on=D(2026, 6, 15))
    assert list(_errors(exc)) == ["ends_on"]
    assert duty.volunteer.absences.count() == 1


def test_an_absence_overlapping_another_kind_is_refused_clearly(duty, world):
    Absence.objects.create(
        person=duty.volunteer,
        kind=AbsenceKind.SICK,
        starts_on=D(2026, 3, 5),
        ends_on=D(2026, 3, 6),
    )
    with pytest.raises(ValidationError) as exc:
        absence_add(
            actor=world.community_staff,
            person=duty.volunteer,
            kind=AbsenceKind.LEAVE,
            starts_on=D(2026, 3, 6),
            ends_on=D(2026, 3, 8),
        )
    expected = ERR_ABSENCE_OVERLAPS % {
        "start": "2026-03-05",
        "end": "2026-03-06",
        "kind": AbsenceKind.SICK.label,
    }
    assert _errors(exc) == {"starts_on": [str(expected)]}
    assert duty.volunteer.absences.count() == 1


def test_absence_remove_deletes_and_audits(duty, world):
    absence = absence_add(
        actor=world.community_staff,
        person=duty.volunteer,
        kind=AbsenceKind.UNAVAILABLE,
        starts_on=D(2026, 3, 5),
        ends_on=D(2026, 3, 5),
    )
    absence_remove(actor=world.street_officer, absence=absence)
    assert not duty.volunteer.absences.exists()
    assert AuditEvent.objects.get(action="absence.remove").changes["kind"] == "unavailable"


def test_sick_calls_are_not_removed_here(duty, world):
    sick = Absence.objects.create(
        person=duty.volunteer, kind=AbsenceKind.SICK, starts_on=D(2026, 3, 5), ends_on=D(2026, 3, 5)
    )
    with pytest.raises(ValidationError) as exc:
        absence_remove(actor=world.community_staff, absence=sick)
    assert exc.value.messages == [str(ERR_ABSENCE_NOT_REMOVABLE)]
    assert Absence.objects.filter(pk=sick.pk).exists()


def test_absences_need_manage_duty(duty, world):
    with pytest.raises(PermissionDenied):
        absence_add(
            actor=world.volunteer,
            person=duty.volunteer,
            kind=AbsenceKind.LEAVE,
            starts_on=D(2026, 3, 5),
            ends_on=D(2026, 3, 5),
        )


def test_every_setup_action_has_a_label():
    assert set(ACTION_LABELS) | set(PEOPLE_ACTION_LABELS) == {
        "post.create",
        "post.update",
        "post.shifts_set",
        "duty_person.add",
        "duty_person.update",
        "absence.add",
        "absence.remove",
        "volunteer.register",
        "volunteer.update",
    }


def test_a_post_name_taken_a_moment_ago_is_refused_clearly_not_a_500(duty, world, monkeypatch):
    from shoumen.duty import setup_services

    real = setup_services._validated_post
    calls = []

    def late(community, **kw):
        # The first check runs before the other clerk's post is there.
        calls.append(1)
        if len(calls) == 1:
            return {
                "name": kw["name"],
                "kind": kw["kind"],
                "checkpoint": kw["checkpoint"],
                "team": kw["team"],
            }
        return real(community, **kw)

    monkeypatch.setattr(setup_services, "_validated_post", late)
    with pytest.raises(ValidationError) as exc:
        post_create(
            actor=world.community_staff,
            community=duty.community,
            name="北门卡点",
            kind=PostKind.PATROL,
        )
    assert _errors(exc) == {"name": [str(ERR_POST_NAME_TAKEN)]}
    assert Post.objects.filter(community=duty.community, name="北门卡点").count() == 1


def test_duty_person_update_changes_a_volunteers_name_and_phone_in_the_registry(duty, world):
    duty_person_update(
        actor=world.community_staff, person=duty.volunteer, name="小李", phone="13912345678"
    )
    duty.volunteer.refresh_from_db()
    v = duty.volunteer.volunteer
    assert (duty.volunteer.name, v.name, v.phone_masked) == ("小李", "小李", "139****5678")
    event = AuditEvent.objects.get(action="volunteer.update")
    assert event.changes["phone"] == ["", "139****5678"]
    assert AuditEvent.objects.get(action="duty_person.update").changes["name"] == [
        "志愿者小李",
        "小李",
    ]


def test_duty_person_update_refuses_a_phone_for_a_staff_member(duty, world):
    with pytest.raises(ValidationError) as exc:
        duty_person_update(actor=world.community_staff, person=duty.staff, phone="13912345678")
    assert _errors(exc) == {"phone": [str(ERR_STAFF_PHONE)]}


def test_duty_person_update_refuses_a_bad_volunteer_phone_and_changes_nothing(duty, world):
    with pytest.raises(ValidationError) as exc:
        duty_person_update(
            actor=world.community_staff, person=duty.volunteer, name="小李", phone="12"
        )
    assert list(_errors(exc)) == ["phone"]
    duty.volunteer.refresh_from_db()
    assert duty.volunteer.volunteer.name == "志愿者小李"


def test_setup_actions_read_in_words_in_the_audit_log():
    from shoumen.audit.labels import action_label

    for code, label in {**ACTION_LABELS, **PEOPLE_ACTION_LABELS}.items():
        assert action_label(code) == str(label)
