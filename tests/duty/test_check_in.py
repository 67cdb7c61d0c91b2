"""Checking in for a shift and out of it: who may, when, once, and what it costs to send it
twice."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.duty.checkin_services import (
    ERR_ALREADY_IN,
    ERR_NOT_CHECKED_IN,
    ERR_NOT_PUBLISHED,
    ERR_SICK,
    ERR_UUID_REUSED,
    AlreadyChecked,
    check_in_record,
)
from shoumen.duty.models import CheckIn, RosterStatus
from shoumen.duty.my_selectors import actual_hours, actual_hours_of
from tests.duty.my_helpers import assign, at, roster, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_shift(duty):
    """The checkpoint volunteer on the north gate's day shift (08:00–16:00) on Monday."""
    return assign(roster(duty), shift(duty.gate, "D"), duty.volunteer)


def _record(actor, assignment, kind="in", when="2026-03-02 09:00", **kw):
    with time_machine.travel(at(when), tick=False):
        return check_in_record(
            actor=actor,
            assignment=assignment,
            kind=kind,
            client_uuid=kw.pop("client_uuid", uuid.uuid4()),
            **kw,
        )


def test_the_volunteer_checks_in_for_their_shift_up_to_an_hour_before_it_starts(world, day_shift):
    recorded = _record(world.volunteer, day_shift, when="2026-03-02 07:00")
    assert not recorded.replay
    check = recorded.check_in
    assert (check.kind, check.at, check.recorded_by) == (
        "in",
        at("2026-03-02 07:00"),
        world.volunteer,
    )


def test_a_check_in_more_than_an_hour_before_the_start_is_refused(world, day_shift):
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, day_shift, when="2026-03-02 06:59")
    assert "60" in caught.value.messages[0] and "07:00" in caught.value.messages[0]
    assert not CheckIn.objects.exists()


def test_a_check_in_after_the_shift_ended_is_refused(world, day_shift):
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, day_shift, when="2026-03-02 16:01")
    assert "16:00" in caught.value.messages[0]
    assert not CheckIn.objects.exists()


def test_a_check_out_needs_a_check_in_first(world, day_shift):
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, day_shift, kind="out", when="2026-03-02 16:00")
    assert caught.value.messages == [str(ERR_NOT_CHECKED_IN)]


def test_a_check_out_is_taken_up_to_four_hours_after_the_end_and_not_later(world, duty):
    the_roster = roster(duty)
    early = assign(the_roster, shift(duty.gate, "N"), duty.volunteer)  # 00:00–08:00
    late = assign(the_roster, shift(duty.gate, "D"), duty.staff)  # 08:00–16:00
    _record(world.volunteer, early, when="2026-03-02 00:05")
    _record(world.community_staff, late, when="2026-03-02 08:00")
    out = _record(world.volunteer, early, kind="out", when="2026-03-02 12:00")
    assert out.check_in.at == at("2026-03-02 12:00")
    with pytest.raises(ValidationError) as caught:
        _record(world.community_staff, late, kind="out", when="2026-03-02 20:01")
    assert "20:00" in caught.value.messages[0]


def test_a_check_out_before_the_check_in_is_refused(world, day_shift):
    _record(world.volunteer, day_shift, when="2026-03-02 09:00")
    with pytest.raises(ValidationError):
        _record(
            world.volunteer,
            day_shift,
            kind="out",
            when="2026-03-02 10:00",
            at=at("2026-03-02 08:30"),
        )


def test_a_replay_answers_the_first_record_says_so_and_writes_nothing(world, day_shift):
    sent = uuid.uuid4()
    first = _record(world.volunteer, day_shift, client_uuid=sent, when="2026-03-02 09:00")
    again = _record(world.volunteer, day_shift, client_uuid=sent, when="2026-03-02 09:03")
    assert again.replay and again.check_in == first.check_in
    assert again.check_in.at == at("2026-03-02 09:00")
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(action="shift.check_in").count() == 1


def test_a_second_check_in_with_another_uuid_is_refused_with_the_time_of_the_first(
    world, day_shift
):
    _record(world.volunteer, day_shift, when="2026-03-02 09:00")
    with pytest.raises(AlreadyChecked) as caught:
        _record(world.volunteer, day_shift, when="2026-03-02 09:05")
    assert caught.value.messages == [str(ERR_ALREADY_IN % {"time": "2026-03-02 09:00"})]
    assert CheckIn.objects.count() == 1


def test_a_uuid_used_for_another_shift_is_refused(world, duty, day_shift):
    other = assign(day_shift.roster, shift(duty.gate, "E"), duty.volunteer)
    sent = uuid.uuid4()
    _record(world.volunteer, day_shift, client_uuid=sent)
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, other, client_uuid=sent, when="2026-03-02 15:30")
    assert caught.value.message_dict == {"client_uuid": [str(ERR_UUID_REUSED)]}


def test_a_shift_called_in_sick_takes_no_check_in(world, duty):
    sick = assign(roster(duty), shift(duty.gate, "D"), duty.volunteer, absent=True)
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, sick)
    assert caught.value.messages == [str(ERR_SICK)]


def test_a_shift_of_an_unpublished_roster_takes_no_check_in(world, duty):
    draft = assign(roster(duty, status=RosterStatus.SOLVED), shift(duty.gate, "D"), duty.volunteer)
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, draft)
    assert caught.value.messages == [str(ERR_NOT_PUBLISHED)]


def test_a_time_in_the_future_is_refused(world, day_shift):
    with pytest.raises(ValidationError) as caught:
        _record(world.volunteer, day_shift, at=at("2026-03-02 09:30"))
    assert "at" in caught.value.message_dict


def test_community_staff_check_in_someone_on_their_behalf_and_it_is_audited(world, day_shift):
    recorded = _record(world.community_staff, day_shift)
    event = AuditEvent.objects.get(action="shift.check_in")
    assert event.target_id == str(recorded.check_in.pk)
    assert event.changes["for_self"] is False
    assert event.org_path == day_shift.roster.community.path


def test_someone_else_cannot_check_in_for_the_volunteer(world, day_shift):
    for outsider in (world.grid_worker, world.outsider):
        with pytest.raises(PermissionDenied):
            _record(outsider, day_shift)
    assert not CheckIn.objects.exists()


def test_the_check_out_is_audited_and_gives_the_actual_hours(world, duty, day_shift):
    _record(world.volunteer, day_shift, when="2026-03-02 07:45")
    _record(world.volunteer, day_shift, kind="out", when="2026-03-02 16:15")
    assert AuditEvent.objects.filter(action="shift.check_out").count() == 1
    assert actual_hours(day_shift) == Decimal("8.50")
    other = assign(day_shift.roster, shift(duty.gate, "E"), duty.staff)
    assert actual_hours_of([day_shift, other.pk]) == {day_shift.pk: Decimal("8.50"), other.pk: None}


def test_actual_hours_of_many_shifts_take_one_query(
    world, duty, day_shift, django_assert_num_queries
):
    the_roster = day_shift.roster
    shifts = [
        assign(
            the_roster,
            shift(duty.gate, "D"),
            duty.people[i],
            day=day_shift.date + datetime.timedelta(days=i),
        )
        for i in range(2, 6)
    ]
    with django_assert_num_queries(1):
        hours = actual_hours_of([day_shift, *shifts])
    assert set(hours) == {day_shift.pk, *(s.pk for s in shifts)}
