"""Home leads into duty: anyone on duty sees their shift under way and the next one, one
tap from their shifts; whoever manages a community's rosters has a button to them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shoumen.duty.models import Assignment, DutyPerson, Post, PostKind, Roster, Shift
from shoumen.registry.models import Volunteer

pytestmark = pytest.mark.django_db
NOW = "2026-03-02 09:00 +0800"
DAY = datetime.date(2026, 3, 2)


def _shift_for(world, status="published"):
    post = Post.objects.create(community=world.community, name="北门卡点", kind=PostKind.DUTY_ROOM)
    shift = Shift.objects.create(
        post=post, code="D", label="白班", start=datetime.time(8), hours=8, headcount=1
    )
    volunteer = Volunteer.objects.create(
        community=world.community, name="志愿者小李", user=world.volunteer
    )
    person = DutyPerson.objects.create(
        community=world.community, name=volunteer.name, volunteer=volunteer
    )
    roster = Roster.objects.create(
        community=world.community,
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=1),
        status=status,
    )
    tz = timezone.get_current_timezone()
    for day in (DAY, DAY + datetime.timedelta(days=1)):
        start = datetime.datetime.combine(day, datetime.time(8), tz)
        Assignment.objects.create(
            roster=roster,
            shift=shift,
            date=day,
            person=person,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=8),
        )


def _home(login, user) -> str:
    with time_machine.travel(NOW, tick=False):
        return login(user).get(reverse("home")).content.decode()


def test_someone_on_duty_sees_the_shift_under_way_and_the_next_on_home(world, login):
    _shift_for(world)
    html = _home(login, world.volunteer)
    assert 'data-testid="home-my-duty-now"' in html and "北门卡点" in html
    assert 'data-testid="home-my-duty-next"' in html
    assert reverse("duty:my_shifts") in html


def test_a_roster_not_yet_published_shows_no_shift_on_home(world, login):
    _shift_for(world, status="solved")
    html = _home(login, world.volunteer)
    assert 'data-testid="home-my-duty-now"' not in html
    assert 'data-testid="home-my-duty-next"' not in html


def test_someone_not_on_duty_has_no_duty_card(world, login):
    assert 'data-testid="home-my-duty"' not in _home(login, world.grid_worker)


def test_community_staff_go_from_home_to_their_communitys_duty_in_one_tap(world, login):
    html = _home(login, world.community_staff)
    assert reverse("duty:index", args=[world.community.pk]) in html


@pytest.mark.parametrize("persona", ["street_officer", "district_officer", "admin_user"])
def test_officers_go_from_home_to_the_communities_duty(world, login, persona):
    assert reverse("duty:units") in _home(login, getattr(world, persona))


@pytest.mark.parametrize("persona", ["grid_worker", "volunteer"])
def test_who_manages_no_duty_has_no_duty_button(world, login, persona):
    assert 'data-testid="home-duty"' not in _home(login, getattr(world, persona))


def test_community_staff_see_on_home_who_has_gone_too_long_without_rest(world, login):
    from shoumen.duty.models import Roster

    _shift_for(world)
    roster = Roster.objects.get()
    person = roster.assignments.first().person
    tz = timezone.get_current_timezone()
    shift = roster.assignments.first().shift
    for back in range(1, 9):  # eight days before today too: nine days in a row
        day = DAY - datetime.timedelta(days=back)
        start = datetime.datetime.combine(day, datetime.time(8), tz)
        Assignment.objects.create(
            roster=roster,
            shift=shift,
            date=day,
            person=person,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=8),
        )
    html = _home(login, world.community_staff)
    assert 'data-testid="home-duty-rest"' in html


def test_no_rest_badge_on_home_when_everyone_has_rested(world, login):
    _shift_for(world)
    assert 'data-testid="home-duty-rest"' not in _home(login, world.community_staff)
