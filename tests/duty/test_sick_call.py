"""Sick calls: the shift is marked absent and the day recorded as sick leave; the people
who could cover are ranked fairest first, every one of them keeping every hard rule; one
tap puts the chosen one on the shift, once."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shoumen.alerts.models import Notification
from shoumen.audit.models import AuditEvent
from shoumen.duty.checker import violations
from shoumen.duty.cover_services import (
    ERR_COVERED,
    ERR_NOT_SICK,
    ERR_NOT_YOURS,
    ERR_OVER,
    cover_assign,
    cover_problems,
    replacements_for,
    sick_call,
)
from shoumen.duty.models import Absence, AbsenceKind, Assignment, AssignmentSource
from shoumen.duty.problem import problem_of_roster, roster_specs
from tests.duty.conftest import MONDAY, NOW
from tests.duty.swap_rows import full_roster, published, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
SUNDAY = MONDAY + 6 * DAY


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roster(duty, frozen):
    """A full published week: every shift filled, every hard rule kept."""
    return full_roster(duty.community, MONDAY, SUNDAY)


def _a_shift_of(roster, person=None, day=None) -> Assignment:
    rows = roster.assignments.filter(date__gt=MONDAY).select_related("shift__post", "person")
    if person is not None:
        rows = rows.filter(person=person)
    if day is not None:
        rows = rows.filter(date=day)
    return rows.order_by("starts_at", "pk").first()


def test_the_person_calls_in_sick_and_the_day_becomes_sick_leave(world, duty, roster):
    shift = _a_shift_of(roster, duty.volunteer)
    sick_call(actor=world.volunteer, assignment=shift)
    shift.refresh_from_db()
    assert shift.absent
    absence = Absence.objects.get(person=duty.volunteer)
    assert (absence.kind, absence.starts_on, absence.ends_on) == (
        AbsenceKind.SICK,
        shift.date,
        shift.date,
    )
    assert absence.created_by == world.volunteer
    assert AuditEvent.objects.filter(
        action="assignment.sick_call", target_id=str(shift.pk)
    ).exists()
    note = Notification.objects.get(recipient=world.community_staff)
    assert note.words["title"][0] == "duty.sick_call"


def test_a_second_sick_call_changes_nothing(world, duty, roster):
    shift = _a_shift_of(roster, duty.volunteer)
    sick_call(actor=world.community_staff, assignment=shift)
    sick_call(actor=world.community_staff, assignment=shift)
    assert Absence.objects.filter(person=duty.volunteer).count() == 1
    assert AuditEvent.objects.filter(action="assignment.sick_call").count() == 1


def test_a_sick_day_already_recorded_is_not_recorded_twice(world, duty, roster):
    shift = _a_shift_of(roster, duty.volunteer)
    Absence.objects.create(
        person=duty.volunteer, kind=AbsenceKind.SICK, starts_on=MONDAY, ends_on=SUNDAY
    )
    sick_call(actor=world.volunteer, assignment=shift)
    assert Absence.objects.filter(person=duty.volunteer).count() == 1


@pytest.mark.parametrize("persona", ["grid_worker", "outsider", "neighbour_worker"])
def test_someone_else_cannot_call_in_sick_for_a_shift(world, duty, roster, persona):
    shift = _a_shift_of(roster, duty.volunteer)
    with pytest.raises(PermissionDenied) as caught:
        sick_call(actor=getattr(world, persona), assignment=shift)
    assert str(caught.value) == str(ERR_NOT_YOURS)
    shift.refresh_from_db()
    assert not shift.absent and not Absence.objects.exists()


def test_a_shift_that_is_over_cannot_be_called_in_sick(world, duty, roster):
    over = roster.assignments.filter(date=MONDAY, shift__code="N", shift__post=duty.gate).get()
    with pytest.raises(ValidationError) as caught:
        sick_call(actor=world.community_staff, assignment=over)
    assert caught.value.messages == [str(ERR_OVER)]


def test_replacements_keep_every_rule_and_come_fairest_first(world, duty, roster):
    shift = _a_shift_of(roster, day=MONDAY + 3 * DAY)
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    found = replacements_for(shift)
    assert found, "someone can cover in a full week of twelve people"
    assert shift.person_id not in {c.person.pk for c in found}
    scores = [c.score for c in found]
    assert scores == sorted(scores)
    for c in found:
        assert c.score == c.nights + c.weekends + c.holidays
        assert cover_problems(shift, c.person) == []


def test_a_cover_keeps_every_rule_of_the_roster(world, duty, roster):
    shift = _a_shift_of(roster, day=MONDAY + 3 * DAY)
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    best = replacements_for(shift)[0]
    row = cover_assign(actor=world.community_staff, assignment=shift, person=best.person)
    assert row.source == AssignmentSource.COVER and row.person == best.person
    assert (row.starts_at, row.ends_at, row.shift, row.date) == (
        shift.starts_at,
        shift.ends_at,
        shift.shift,
        shift.date,
    )
    # The week is whole again and the checker finds nothing.
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []
    assert AuditEvent.objects.filter(action="assignment.cover", target_id=str(row.pk)).exists()


def test_a_gap_already_covered_is_not_covered_twice(world, duty, roster):
    shift = _a_shift_of(roster, day=MONDAY + 3 * DAY)
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    first, second = replacements_for(shift)[:2]
    cover_assign(actor=world.community_staff, assignment=shift, person=first.person)
    with pytest.raises(ValidationError) as caught:
        cover_assign(actor=world.street_officer, assignment=shift, person=second.person)
    assert caught.value.messages == [str(ERR_COVERED % {"names": first.person.name})]
    assert Assignment.objects.filter(source=AssignmentSource.COVER).count() == 1


def test_a_cover_that_would_break_a_rule_is_refused_in_words(world, duty, frozen):
    roster = published(duty.community, MONDAY, SUNDAY)
    tuesday = MONDAY + DAY
    shift = put(roster, duty.gate, "D", tuesday, duty.volunteer)  # 08–16
    tired = duty.people[5]
    put(roster, duty.gate, "N", tuesday, tired)  # 00–08
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    assert tired.pk not in {c.person.pk for c in replacements_for(shift)}
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        cover_assign(actor=world.community_staff, assignment=shift, person=tired)
    assert "would rest only 0 hours" in caught.value.message_dict["person"][0]
    assert not Assignment.objects.filter(source=AssignmentSource.COVER).exists()


def test_a_shift_nobody_called_in_sick_for_has_no_gap_to_cover(world, duty, roster):
    shift = _a_shift_of(roster, duty.volunteer)
    with pytest.raises(ValidationError) as caught:
        cover_assign(actor=world.community_staff, assignment=shift, person=duty.people[6])
    assert caught.value.messages == [str(ERR_NOT_SICK)]


def test_only_staff_put_someone_on_a_sick_call(world, duty, roster):
    shift = _a_shift_of(roster, duty.volunteer)
    sick_call(actor=world.volunteer, assignment=shift)
    shift.refresh_from_db()
    with pytest.raises(PermissionDenied):
        cover_assign(actor=world.volunteer, assignment=shift, person=duty.people[6])


def test_nobody_to_cover_when_everyone_else_is_away(world, duty, frozen):
    roster = published(duty.community, MONDAY, SUNDAY)
    shift = put(roster, duty.gate, "D", MONDAY + DAY, duty.volunteer)
    for person in duty.people:
        if person != duty.volunteer:
            Absence.objects.create(
                person=person, kind=AbsenceKind.LEAVE, starts_on=MONDAY, ends_on=SUNDAY
            )
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    assert replacements_for(shift) == []
