"""Re-solving a published roster around a sick call: it keeps every shift it can (when
filling the vacated shift alone works, that is all it changes), moves more only when it
must, never breaks a hard rule (the independent checker), tells only the people whose
shifts change, starts once on a double tap, and when no roster exists says which shift is
short and changes nothing."""

import datetime
import time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.alerts.models import Notification
from shoumen.audit.models import AuditEvent
from shoumen.duty.checker import violations
from shoumen.duty.cover_services import ERR_NOT_SICK, replacements_for, sick_call
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    AssignmentSource,
    Resolve,
    ResolveStatus,
)
from shoumen.duty.problem import problem_of_roster, roster_specs
from shoumen.duty.resolve_services import (
    KEY_CHANGED,
    roster_resolve_apply,
    roster_resolve_discard,
    roster_resolve_start,
)
from tests.duty.conftest import MONDAY, NOW
from tests.duty.resolve_rows import TUESDAY, small_roster
from tests.duty.swap_rows import full_roster, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
THURSDAY = MONDAY + 3 * DAY


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def small(world, immediate_tasks, frozen):
    return small_roster(world)


def _rows(roster) -> set[tuple]:
    return set(roster.assignments.values_list("shift_id", "date", "person_id", "absent", "source"))


def _sick(world, roster, person, day) -> Assignment:
    row = roster.assignments.get(person=person, date=day, shift__code="D")
    return sick_call(actor=world.community_staff, assignment=row)


def _changed_people(resolve) -> set[int]:
    return {e["person"] for e in resolve.dropped + resolve.added}


def _told() -> set[int]:
    return set(
        Notification.objects.filter(words__title__0=KEY_CHANGED).values_list(
            "recipient_id", flat=True
        )
    )


def test_when_filling_the_vacated_shift_works_only_that_shift_changes(world, duty, frozen):
    roster = full_roster(duty.community, MONDAY, MONDAY + 6 * DAY)
    row = roster.assignments.filter(date=THURSDAY).order_by("starts_at", "pk").first()
    sick = sick_call(actor=world.community_staff, assignment=row)
    started = time.perf_counter()
    resolve, began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    seconds = time.perf_counter() - started
    assert began and resolve.status == ResolveStatus.READY
    assert seconds <= 10, seconds
    assert resolve.dropped == []
    assert [(e["post"], e["date"], e["shift"]) for e in resolve.added] == [
        (row.shift.post_id, THURSDAY.isoformat(), row.shift.code)
    ]
    assert resolve.added[0]["person"] != row.person_id
    roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    cover = roster.assignments.get(shift=row.shift, date=THURSDAY, absent=False)
    assert cover.source == AssignmentSource.COVER
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []


def test_when_no_one_can_cover_alone_it_moves_more_and_keeps_every_rule(world, small):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    assert replacements_for(sick) == []
    before = _rows(small.roster)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    assert resolve.status == ResolveStatus.READY, resolve.message
    assert resolve.figures["seconds"] <= 10
    # One other shift has to move, and only one: Wednesday's night goes from B to A, so B
    # is free to take Thursday's day shift.
    people = {p.pk: key for key, p in small.people.items()}
    wednesday = (TUESDAY + DAY).isoformat()
    assert [(e["date"], e["shift"], people[e["person"]]) for e in resolve.dropped] == [
        (wednesday, "N", "B")
    ]
    assert [(e["date"], e["shift"], people[e["person"]]) for e in resolve.added] == [
        (wednesday, "N", "A"),
        ((TUESDAY + 2 * DAY).isoformat(), "D", "B"),
    ]
    assert _rows(small.roster) == before  # nothing changes before it is applied
    # Tuesday, more than a day from the sick day, stays as published.
    assert all(e["date"] != TUESDAY.isoformat() for e in resolve.dropped + resolve.added)

    roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    resolve.refresh_from_db()
    assert resolve.status == ResolveStatus.APPLIED
    problem = problem_of_roster(small.roster)
    assert violations(problem, roster_specs(small.roster)) == []
    assert small.roster.assignments.filter(absent=True).count() == 1
    assert AuditEvent.objects.filter(action="roster.resolve_apply").count() == 1


def test_applying_tells_only_the_people_whose_shifts_changed(world, small):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    changed = _changed_people(resolve)
    logins = {p.pk: p.user_id for p in small.people.values()}
    roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    assert _told() == {logins[pk] for pk in changed}
    assert world.community_staff.pk not in _told()
    # Applying twice changes and tells nothing more.
    count = Notification.objects.count()
    rows = _rows(small.roster)
    roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    assert Notification.objects.count() == count and _rows(small.roster) == rows


def test_a_discarded_re_solve_changes_nothing(world, small):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    before = _rows(small.roster)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    roster_resolve_discard(actor=world.community_staff, resolve=resolve)
    assert Resolve.objects.get().status == ResolveStatus.DISCARDED
    with pytest.raises(ValidationError):
        roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    assert _rows(small.roster) == before and _told() == set()
    assert AuditEvent.objects.filter(action="roster.resolve_discard").count() == 1


def test_when_no_roster_exists_the_short_shift_is_named_and_nothing_changes(world, small):
    wednesday = TUESDAY + DAY
    # B is away on Thursday: only C is left for Thursday's two shifts.
    Absence.objects.create(
        person=small.people["B"],
        kind=AbsenceKind.LEAVE,
        starts_on=wednesday + DAY,
        ends_on=wednesday + DAY,
    )
    sick = _sick(world, small.roster, small.people["A"], wednesday + DAY)
    before = _rows(small.roster)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    assert resolve.status == ResolveStatus.NOT_FOUND
    assert resolve.shortfalls and all("测试监测点" in s["text"] for s in resolve.shortfalls)
    assert resolve.message
    assert _rows(small.roster) == before
    with pytest.raises(ValidationError):
        roster_resolve_apply(actor=world.community_staff, resolve=resolve)


def test_a_roster_changed_since_is_not_applied(world, small):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    # Meanwhile staff put someone on the gap by hand.
    put(small.roster, small.post, "D", TUESDAY + 3 * DAY, small.people["C"])
    before = _rows(small.roster)
    resolve = roster_resolve_apply(actor=world.community_staff, resolve=resolve)
    assert resolve.status == ResolveStatus.OUTDATED and resolve.message
    assert _rows(small.roster) == before and _told() == set()


def test_a_double_tap_starts_one_re_solve(world, small, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    first, began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    second, again = roster_resolve_start(actor=world.street_officer, assignment=sick)
    assert (began, again) == (True, False)
    assert first.pk == second.pk and second.status == ResolveStatus.SOLVING
    assert Resolve.objects.count() == 1
    assert AuditEvent.objects.filter(action="roster.resolve").count() == 1


def test_a_ready_re_solve_of_the_same_roster_is_shown_again(world, small):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    first, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    second, began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    assert first.pk == second.pk and not began


def test_only_a_sick_call_of_a_published_roster_is_re_solved(world, small):
    row = small.roster.assignments.filter(absent=False).first()
    with pytest.raises(ValidationError) as caught:
        roster_resolve_start(actor=world.community_staff, assignment=row)
    assert caught.value.messages == [str(ERR_NOT_SICK)]


@pytest.mark.parametrize("persona", ["grid_worker", "volunteer", "outsider"])
def test_only_duty_managers_re_solve_apply_or_discard(world, small, persona):
    sick = _sick(world, small.roster, small.people["A"], TUESDAY + 2 * DAY)
    with pytest.raises(PermissionDenied):
        roster_resolve_start(actor=getattr(world, persona), assignment=sick)
    resolve, _began = roster_resolve_start(actor=world.community_staff, assignment=sick)
    for service in (roster_resolve_apply, roster_resolve_discard):
        with pytest.raises(PermissionDenied):
            service(actor=getattr(world, persona), resolve=resolve)
    assert Resolve.objects.get().status == ResolveStatus.READY
