"""A volunteer's hours: shifts of published rosters that have ended (actual hours where
checked in and out, rostered hours otherwise; drafts and sick calls not counted) and
service requests delivered (delivered or confirmed; each counting
SHOUMEN_VOLUNTEER_HOURS_PER_SERVICE hours)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from shoumen.duty.models import CheckKind
from shoumen.services.models import RequestStatus
from shoumen.services.volunteer_selectors import volunteer_hours, volunteers_hours
from tests.volunteers.helpers import check, day_shift, register, service, stand

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
TUESDAY = MONDAY + datetime.timedelta(days=1)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@time_machine.travel("2026-03-03 16:00 +0800")
def test_ended_shifts_of_published_rosters_count_their_rostered_hours(world):
    v = register(world)
    shift = day_shift(world)  # 08:00-16:00
    stand(v, shift, [MONDAY, TUESDAY])
    hours = volunteer_hours(v)
    # Tuesday's shift ends at 16:00 now: it counts.
    assert (hours.shifts, hours.planned, hours.duty) == (2, Decimal(16), Decimal(16))


@time_machine.travel("2026-03-03 15:59 +0800")
def test_a_shift_not_ended_yet_does_not_count(world):
    v = register(world)
    stand(v, day_shift(world), [MONDAY, TUESDAY])
    assert volunteer_hours(v).shifts == 1


@time_machine.travel("2026-03-04 09:00 +0800")
def test_draft_rosters_and_sick_calls_do_not_count(world):
    v = register(world)
    shift = day_shift(world)
    stand(v, shift, [MONDAY], status_published=False)
    stand(v, shift, [TUESDAY], absent=True)
    hours = volunteer_hours(v)
    assert (hours.shifts, hours.duty) == (0, Decimal(0))


@time_machine.travel("2026-03-04 09:00 +0800")
def test_checked_in_and_out_shifts_count_their_actual_hours(world):
    v = register(world)
    monday, tuesday = stand(v, day_shift(world), [MONDAY, TUESDAY])
    check(monday, CheckKind.IN, _at(MONDAY, 7, 45))
    check(monday, CheckKind.OUT, _at(MONDAY, 17, 15))
    check(tuesday, CheckKind.IN, _at(TUESDAY, 8))  # no check-out: rostered hours
    hours = volunteer_hours(v)
    assert hours.checked_shifts == 1
    assert hours.planned == Decimal(16)
    assert hours.duty == Decimal("9.50") + Decimal(8)


@time_machine.travel("2026-03-04 09:00 +0800")
def test_delivered_and_confirmed_services_count_one_hour_each_by_default(world):
    v = register(world)
    service(world, v, RequestStatus.DONE)
    service(world, v, RequestStatus.CONFIRMED)
    for status in (RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.CANCELLED):
        service(world, v, status)
    hours = volunteer_hours(v)
    assert (hours.services, hours.service_hours, hours.total) == (2, Decimal(2), Decimal(2))


@override_settings(SHOUMEN_VOLUNTEER_HOURS_PER_SERVICE=1.5)
@time_machine.travel("2026-03-04 09:00 +0800")
def test_the_hours_a_service_counts_are_a_setting(world):
    v = register(world)
    stand(v, day_shift(world), [MONDAY])
    service(world, v)
    service(world, v)
    hours = volunteer_hours(v)
    assert (hours.service_hours, hours.total) == (Decimal(3), Decimal(11))


@time_machine.travel("2026-03-04 09:00 +0800")
def test_hours_of_many_volunteers_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    volunteers = [register(world, name=f"志愿者{i}", phone=f"1390000000{i}") for i in range(4)]
    shift = day_shift(world)
    for v in volunteers:
        stand(v, shift, [MONDAY])
        service(world, v)
    with django_assert_num_queries(4):
        record = volunteers_hours([v.pk for v in volunteers])
    assert all(record.of(v).total == Decimal(9) for v in volunteers)
