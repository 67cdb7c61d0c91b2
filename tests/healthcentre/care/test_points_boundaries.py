"""The work-point rules at their boundaries: on time up to the day the previous follow-up
set; a referral followed up by the check day it set, as the indicators count it."""

import datetime
import uuid

import pytest
from django.utils import timezone

from shoumen.healthcentre.indicators import area_indicators
from shoumen.healthcentre.models import FollowUp
from shoumen.healthcentre.points_selectors import centre_area, follow_ups_counted, points_table
from tests.healthcentre.care.helpers import frozen
from tests.healthcentre.indicators.rows import team_area

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _today():
    with frozen():
        yield


def _follow_up(world, patient, day, *, next_on, referral="none"):
    return FollowUp.objects.create(
        patient=patient,
        client_uuid=uuid.uuid4(),
        date=day,
        way="clinic",
        medication_adherence="regular",
        classification="satisfactory",
        referral=referral,
        next_follow_up_on=next_on,
        doctor=world.family_doctor,
        recorded_at=timezone.now(),
    )


def _counted(world, day):
    rows = follow_ups_counted(
        centre_area(world.health_centre), [world.family_doctor.pk], day.replace(day=1)
    ).filter(date=day)
    return rows.values("on_time", "referral_checked").get()


@pytest.fixture
def patient(world):
    from tests.healthcentre.chronic.helpers import register

    return register(world)


@pytest.mark.parametrize(("days_after", "on_time"), [(0, True), (1, False)])
def test_on_time_up_to_the_day_set(world, patient, days_after, on_time):
    due = DAY + datetime.timedelta(days=30)
    _follow_up(world, patient, DAY, next_on=due)
    day = due + datetime.timedelta(days=days_after)
    _follow_up(world, patient, day, next_on=day + datetime.timedelta(days=90))
    assert _counted(world, day)["on_time"] is on_time


def test_a_first_follow_up_is_on_time(world, patient):
    _follow_up(world, patient, DAY, next_on=DAY)
    assert _counted(world, DAY)["on_time"] is True


@pytest.mark.parametrize(("days_after", "checked"), [(14, True), (15, False)])
def test_a_referral_followed_up_by_the_day_it_set(world, patient, days_after, checked, settings):
    settings.SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS = 20  # today's setting does not count
    _follow_up(world, patient, DAY, next_on=DAY + datetime.timedelta(days=14), referral="urgent")
    day = DAY + datetime.timedelta(days=days_after)
    _follow_up(world, patient, day, next_on=day + datetime.timedelta(days=90))
    assert _counted(world, day)["referral_checked"] is checked


@pytest.mark.parametrize("days_after", [13, 14, 15, 16])
def test_the_points_and_the_indicator_count_a_referral_alike(world, patient, days_after):
    _follow_up(world, patient, DAY, next_on=DAY + datetime.timedelta(days=14), referral="urgent")
    day = DAY + datetime.timedelta(days=days_after)
    _follow_up(world, patient, day, next_on=day + datetime.timedelta(days=90))
    on = datetime.date(2026, 6, 15)
    indicator = area_indicators(team_area(world.team_a), 2026, day=on).referral_follow_up
    points = points_table(world.health_centre, DAY, [world.family_doctor])[0]
    assert (indicator.numerator, indicator.denominator) == (int(days_after <= 14), 1)
    assert points.counts["referral_followed_up"] == indicator.numerator


def test_no_referral_counts_nothing(world, patient):
    _follow_up(world, patient, DAY, next_on=DAY + datetime.timedelta(days=14))
    day = DAY + datetime.timedelta(days=3)
    _follow_up(world, patient, day, next_on=day + datetime.timedelta(days=90))
    assert _counted(world, day)["referral_checked"] is False
