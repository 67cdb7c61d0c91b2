"""Swaps on a published roster: asked by the person on the shift (or staff), decided by
staff after the independent checker runs on the roster as it would be afterwards."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shoumen.alerts.models import Notification
from shoumen.audit.models import AuditEvent
from shoumen.duty.checker import violations
from shoumen.duty.cover_services import sick_call
from shoumen.duty.models import (
    AssignmentSource,
    DutyPerson,
    Post,
    PostKind,
    RosterStatus,
    Swap,
    SwapStatus,
    Team,
)
from shoumen.duty.problem import problem_of_roster, roster_specs
from shoumen.duty.swap_services import (
    ERR_NOT_PUBLISHED,
    ERR_NOT_YOURS,
    ERR_PARTNER_ELSEWHERE,
    ERR_PARTNER_SELF,
    ERR_PARTNER_SHIFT,
    ERR_PAST_SHIFT,
    ERR_PENDING,
    ERR_SICK_SHIFT,
    problem_texts,
    swap_approve,
    swap_refuse,
    swap_request,
    swap_withdraw,
)
from tests.duty.conftest import MONDAY, NOW, add_shifts
from tests.duty.swap_rows import published, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TUESDAY = MONDAY + DAY
SUNDAY = MONDAY + 6 * DAY


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roster(duty, frozen):
    return published(duty.community, MONDAY, SUNDAY)


def _ask(actor, assignment, partner, **kw):
    kw.setdefault("client_uuid", uuid.uuid4())
    return swap_request(actor=actor, assignment=assignment, partner=partner, **kw)


def test_the_person_on_a_shift_asks_for_a_swap_and_the_partner_and_staff_are_told(
    world, duty, roster
):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    partner = duty.staff  # has a login: told in the inbox
    swap, created = _ask(world.volunteer, mine, partner, reason="家里有事")
    assert created and swap.status == SwapStatus.PENDING
    assert swap.requested_by == world.volunteer and swap.reason == "家里有事"
    assert AuditEvent.objects.filter(action="swap.request", target_id=str(swap.pk)).exists()
    note = Notification.objects.get(recipient=world.community_staff)
    assert note.words["title"][0] == "duty.swap_requested"
    assert "志愿者小李" in note.title and "北门卡点" in note.title


def test_a_replayed_swap_request_returns_the_first_and_writes_nothing(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    key = uuid.uuid4()
    first, created = _ask(world.volunteer, mine, duty.people[4], client_uuid=key)
    again, created_again = _ask(world.volunteer, mine, duty.people[5], client_uuid=key)
    assert created and not created_again and again.pk == first.pk
    assert Swap.objects.count() == 1
    assert AuditEvent.objects.filter(action="swap.request").count() == 1


def test_staff_may_ask_for_a_swap_for_someone_on_duty(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.people[4])
    swap, created = _ask(world.community_staff, mine, duty.people[5])
    assert created and swap.requested_by == world.community_staff


@pytest.mark.parametrize("persona", ["grid_worker", "outsider", "neighbour_worker"])
def test_someone_else_cannot_ask_to_swap_a_shift(world, duty, roster, persona):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    with pytest.raises(PermissionDenied) as caught:
        _ask(getattr(world, persona), mine, duty.people[4])
    assert str(caught.value) == str(ERR_NOT_YOURS)
    assert not Swap.objects.exists()


def test_a_partner_must_be_an_active_colleague_of_the_same_community(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, mine, duty.volunteer)
    assert caught.value.message_dict == {"partner": [str(ERR_PARTNER_SELF)]}
    away = duty.people[6]
    DutyPerson.objects.filter(pk=away.pk).update(is_active=False)
    away.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, mine, away)
    assert caught.value.message_dict == {"partner": [str(ERR_PARTNER_ELSEWHERE)]}
    other = DutyPerson.objects.create(
        community=world.unit("C2"), name="永安志愿者", user=world.neighbour_worker
    )
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, mine, other)
    assert caught.value.message_dict == {"partner": [str(ERR_PARTNER_ELSEWHERE)]}
    assert not Swap.objects.exists()


def test_an_exchange_takes_only_the_partners_own_shift(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    not_theirs = put(roster, duty.gate, "D", TUESDAY + DAY, duty.people[6])
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, mine, duty.people[5], partner_assignment=not_theirs)
    assert caught.value.message_dict == {"partner_assignment": [str(ERR_PARTNER_SHIFT)]}


def test_only_shifts_to_come_of_a_published_roster_not_called_in_sick_can_be_swapped(
    world, duty, roster
):
    started = put(roster, duty.gate, "D", MONDAY, duty.volunteer)  # 08:00, now is 09:00
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, started, duty.people[4])
    assert caught.value.message_dict == {"assignment": [str(ERR_PAST_SHIFT)]}
    sick = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    sick_call(actor=world.volunteer, assignment=sick)
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, sick, duty.people[4])
    assert caught.value.message_dict == {"assignment": [str(ERR_SICK_SHIFT)]}
    draft = published(duty.community, MONDAY, SUNDAY)
    draft.status = RosterStatus.SOLVED
    draft.save()
    unpublished = put(draft, duty.gate, "E", TUESDAY, duty.volunteer)
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, unpublished, duty.people[4])
    assert caught.value.message_dict == {"assignment": [str(ERR_NOT_PUBLISHED)]}
    assert not Swap.objects.exists()


def test_a_second_swap_of_a_shift_waits_for_the_first(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    _ask(world.volunteer, mine, duty.people[4])
    with pytest.raises(ValidationError) as caught:
        _ask(world.volunteer, mine, duty.people[5])
    assert caught.value.message_dict == {"assignment": [str(ERR_PENDING)]}


def test_an_approved_swap_hands_the_shift_over_and_every_rule_still_holds(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, duty.people[4])
    swap = swap_approve(actor=world.community_staff, swap=swap)
    assert swap.status == SwapStatus.APPROVED and swap.problems == []
    assert swap.decided_by == world.community_staff and swap.decided_at is not None
    mine.refresh_from_db()
    assert mine.person == duty.people[4] and mine.source == AssignmentSource.SWAP
    assert violations(problem_of_roster(roster), roster_specs(roster), coverage=False) == []
    event = AuditEvent.objects.get(action="swap.approve", target_id=str(swap.pk))
    assert event.changes["from"] == duty.volunteer.pk and event.changes["to"] == duty.people[4].pk
    note = Notification.objects.get(recipient=world.volunteer)
    assert note.words["title"][0] == "duty.swap_approved"
    # Approving again changes nothing.
    assert swap_approve(actor=world.community_staff, swap=swap).status == SwapStatus.APPROVED
    assert AuditEvent.objects.filter(action="swap.approve").count() == 1


def test_an_exchange_moves_both_shifts_at_once(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    theirs = put(roster, duty.gate, "D", TUESDAY + 2 * DAY, duty.people[4])
    swap, _ = _ask(world.volunteer, mine, duty.people[4], partner_assignment=theirs)
    swap_approve(actor=world.community_staff, swap=swap)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, theirs.person) == (duty.people[4], duty.volunteer)
    assert {mine.source, theirs.source} == {AssignmentSource.SWAP}


def test_a_swap_leaving_too_little_rest_is_refused_with_the_rule_in_words(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)  # 08–16
    partner = duty.people[4]
    put(roster, duty.gate, "N", TUESDAY, partner)  # 00–08 the same day
    swap, _ = _ask(world.volunteer, mine, partner)
    swap = swap_approve(actor=world.community_staff, swap=swap)
    assert swap.status == SwapStatus.REFUSED
    assert [p["rule"] for p in swap.problems] == ["rest"]
    mine.refresh_from_db()
    assert mine.person == duty.volunteer and mine.source == AssignmentSource.SOLVER
    with translation.override("en"):
        assert problem_texts(swap) == [
            f"{partner.name} would rest only 0 hours between shifts (03-03 08:00 to 03-03 "
            "08:00); at least 12 hours are needed."
        ]
    event = AuditEvent.objects.get(action="swap.refuse", target_id=str(swap.pk))
    assert event.changes == {"rules": ["rest"], "by_checker": True}
    assert Notification.objects.filter(
        recipient=world.volunteer, words__title__0="duty.swap_refused"
    ).exists()


def test_a_swap_making_too_many_days_in_a_row_is_refused(world, duty, roster):
    partner = duty.people[4]
    partner.max_hours_week = 84
    partner.save()
    for i in range(6):  # Monday to Saturday
        put(roster, duty.monitoring, "D", MONDAY + i * DAY, partner)
    mine = put(roster, duty.gate, "D", SUNDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, partner)
    swap = swap_approve(actor=world.community_staff, swap=swap)
    assert swap.status == SwapStatus.REFUSED
    rules = {p["rule"] for p in swap.problems}
    assert "consecutive" in rules and "day-off" in rules


def test_a_swap_onto_a_team_post_refuses_someone_outside_the_team(world, duty, roster):
    clinic = Post.objects.create(
        community=duty.community, name="发热哨点", kind=PostKind.DUTY_ROOM, team=Team.MEDICAL
    )
    add_shifts(clinic, [("D", "白班", 8, 8, False)])
    medic = duty.people[2]  # medical team
    mine = put(roster, clinic, "D", TUESDAY, medic)
    outsider = duty.people[8]  # residents' team
    swap, _ = _ask(world.community_staff, mine, outsider)
    swap = swap_approve(actor=world.community_staff, swap=swap)
    assert swap.status == SwapStatus.REFUSED
    assert [p["rule"] for p in swap.problems] == ["team"]


def test_only_staff_decide_swaps(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, duty.people[4])
    for persona in ("volunteer", "grid_worker", "outsider"):
        with pytest.raises(PermissionDenied):
            swap_approve(actor=getattr(world, persona), swap=swap)
        with pytest.raises(PermissionDenied):
            swap_refuse(actor=getattr(world, persona), swap=swap)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.PENDING


def test_staff_refuse_a_swap_and_the_requester_is_told(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, duty.people[4])
    swap = swap_refuse(actor=world.street_officer, swap=swap)
    assert swap.status == SwapStatus.REFUSED and swap.problems == []
    assert AuditEvent.objects.filter(action="swap.refuse", target_id=str(swap.pk)).exists()
    assert Notification.objects.filter(recipient=world.volunteer).exists()
    with pytest.raises(ValidationError):
        swap_approve(actor=world.community_staff, swap=swap)


def test_the_requester_withdraws_a_pending_swap_and_nobody_else_can(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, duty.people[4])
    with pytest.raises(PermissionDenied):
        swap_withdraw(actor=world.grid_worker, swap=swap)
    swap = swap_withdraw(actor=world.volunteer, swap=swap)
    assert swap.status == SwapStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="swap.withdraw", target_id=str(swap.pk)).exists()
    # Withdrawn, the shift may be offered again.
    again, created = _ask(world.volunteer, mine, duty.people[5])
    assert created and again.pk != swap.pk


def test_a_swap_whose_shift_was_called_in_sick_meanwhile_cannot_be_approved(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap, _ = _ask(world.volunteer, mine, duty.people[4])
    sick_call(actor=world.volunteer, assignment=mine)
    with pytest.raises(ValidationError):
        swap_approve(actor=world.community_staff, swap=swap)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.PENDING
