"""The month's overtime and night-hours ledger: planned and actual hours, night, weekend
and holiday hours (the whole Spring Festival break is holiday), hours above the standard
week; the page and the audited .xlsx download."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.duty.hours_ledger import (
    ERR_MONTH,
    HEADERS,
    hours_ledger_export,
    hours_ledger_rows,
    parse_month,
    weeks_of_month,
)
from shoumen.duty.models import CheckIn, CheckKind, DutyPerson
from shoumen.registry.models import Volunteer
from tests.duty.conftest import MONDAY, NOW
from tests.duty.rest_helpers import DAY, days_up_to, published, shift_of, work

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)


def _row(rows, person):
    return next(r for r in rows if r.person.pk == person.pk)


def _check(assignment, kind, hour, minute=0, day=None):
    day = day or assignment.date
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return CheckIn.objects.create(assignment=assignment, kind=kind, at=at, client_uuid=uuid.uuid4())


@pytest.fixture
def march(duty):
    return published(duty.community, datetime.date(2026, 2, 23), datetime.date(2026, 4, 5))


def test_parse_month():
    assert parse_month("2026-03") == MARCH
    assert parse_month(" 2026-12 ") == datetime.date(2026, 12, 1)
    assert parse_month("2026-13") is None
    assert parse_month("2026-3") is None
    assert parse_month("March") is None
    assert parse_month(None) is None


def test_the_weeks_of_a_month_are_those_whose_thursday_falls_in_it():
    # March 2026: Thursday 5 March to Thursday 26 March; Thursday 2 April is April's.
    assert weeks_of_month(MARCH) == (datetime.date(2026, 3, 2), datetime.date(2026, 3, 29))
    # February 2026 starts on a Sunday: the week of Thursday 29 January is January's.
    assert weeks_of_month(FEBRUARY) == (datetime.date(2026, 2, 2), datetime.date(2026, 3, 1))


def test_shifts_and_planned_hours_of_the_month(duty, march):
    work(march, duty.volunteer, shift_of(duty.gate, "D"), [datetime.date(2026, 2, 28), MONDAY])
    work(march, duty.volunteer, shift_of(duty.monitoring, "D"), [datetime.date(2026, 3, 31)])
    work(march, duty.volunteer, shift_of(duty.gate, "D"), [datetime.date(2026, 4, 1)])
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert (row.shifts, row.planned) == (2, Decimal("20"))


def test_sick_called_shifts_are_not_counted(duty, march):
    work(march, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY], absent=True)
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert (row.shifts, row.planned) == (0, 0)


def test_actual_hours_come_from_check_in_to_check_out(duty, march):
    first, second, third = work(
        march, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY, MONDAY + DAY, MONDAY + 2 * DAY]
    )
    _check(first, CheckKind.IN, 7, 50)
    _check(first, CheckKind.OUT, 16, 20)  # 8.5 h
    _check(second, CheckKind.IN, 8)
    _check(second, CheckKind.OUT, 15)  # 7 h
    _check(third, CheckKind.IN, 8)  # never checked out: left out
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert row.actual == Decimal("15.5")


def test_actual_hours_are_blank_without_a_full_check_in_and_out(duty, march):
    (shift,) = work(march, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY])
    _check(shift, CheckKind.IN, 8)
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert row.actual is None
    assert row.cells()[4] is None


def test_night_shifts_and_night_hours(duty, march):
    work(march, duty.volunteer, shift_of(duty.monitoring, "N"), [MONDAY, MONDAY + 2 * DAY])
    work(march, duty.volunteer, shift_of(duty.gate, "N"), [MONDAY + 4 * DAY])
    work(march, duty.volunteer, shift_of(duty.gate, "E"), [MONDAY + 5 * DAY])
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert (row.night_shifts, row.night) == (3, Decimal("32"))


def test_weekend_hours_split_a_shift_at_midnight(duty, march):
    friday, saturday = datetime.date(2026, 3, 6), datetime.date(2026, 3, 7)
    # Friday 20:00 to Saturday 08:00: 8 hours fall on the Saturday.
    work(march, duty.volunteer, shift_of(duty.monitoring, "N"), [friday])
    work(march, duty.volunteer, shift_of(duty.gate, "D"), [saturday, MONDAY])
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert (row.weekend, row.holiday) == (Decimal("16"), 0)


def test_the_whole_spring_festival_break_counts_as_holiday(duty):
    roster = published(duty.community, datetime.date(2026, 2, 2), datetime.date(2026, 2, 28))
    gate_day = shift_of(duty.gate, "D")
    # Tuesday 17 February (New Year's Day) and Saturday 21 February (inside the break) are
    # holiday; Saturdays 14 and 28 February are make-up workdays; Sunday 8 February a weekend.
    days = [datetime.date(2026, 2, d) for d in (8, 14, 17, 21, 28)]
    work(roster, duty.volunteer, gate_day, days)
    row = _row(hours_ledger_rows(duty.community, FEBRUARY), duty.volunteer)
    assert (row.holiday, row.weekend, row.planned) == (Decimal("16"), Decimal("8"), Decimal("40"))


def test_hours_above_the_standard_week(duty, march):
    gate_day = shift_of(duty.gate, "D")
    # Week of 2 March: six 8-hour days, 48 h (8 above 40). Week of 9 March: five, 40 h.
    work(march, duty.volunteer, gate_day, days_up_to(MONDAY + 5 * DAY, 6))
    work(march, duty.volunteer, gate_day, days_up_to(MONDAY + 11 * DAY, 5))
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert row.above_standard == Decimal("8")


def test_the_standard_week_follows_the_setting(duty, march, settings):
    settings.SHOUMEN_DUTY_STANDARD_HOURS_WEEK = 20
    work(march, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY + 3 * DAY, 4))
    row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    assert row.above_standard == Decimal("12")


def test_a_week_across_months_counts_in_the_month_of_its_thursday(duty):
    roster = published(duty.community, datetime.date(2026, 3, 25), datetime.date(2026, 4, 10))
    # Monday 30 March to Saturday 4 April: 48 h, the week of Thursday 2 April.
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(datetime.date(2026, 4, 4), 6))
    march_row = _row(hours_ledger_rows(duty.community, MARCH), duty.volunteer)
    april_row = _row(hours_ledger_rows(duty.community, datetime.date(2026, 4, 1)), duty.volunteer)
    assert (march_row.planned, march_row.above_standard) == (Decimal("16"), 0)
    assert (april_row.planned, april_row.above_standard) == (Decimal("32"), Decimal("8"))


def test_people_no_longer_on_duty_appear_only_with_shifts_in_the_month(duty, march):
    work(march, duty.people[5], shift_of(duty.gate, "D"), [MONDAY])
    DutyPerson.objects.filter(pk__in=[duty.people[5].pk, duty.people[6].pk]).update(is_active=False)
    people = {r.person.pk for r in hours_ledger_rows(duty.community, MARCH)}
    assert duty.people[5].pk in people
    assert duty.people[6].pk not in people


def test_the_ledger_reads_in_fixed_queries_whatever_the_people(
    duty, march, django_assert_max_num_queries
):
    for i in range(15):
        v = Volunteer.objects.create(community=duty.community, name=f"加班{i}")
        person = DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)
        (shift,) = work(march, person, shift_of(duty.gate, "D"), [MONDAY + DAY * i])
        _check(shift, CheckKind.IN, 8)
        _check(shift, CheckKind.OUT, 16)
    with django_assert_max_num_queries(3):
        rows = hours_ledger_rows(duty.community, MARCH)
    assert len(rows) == len(duty.people) + 15


def test_the_export_is_an_xlsx_with_one_row_a_person_and_is_audited(duty, march, world):
    work(march, duty.volunteer, shift_of(duty.monitoring, "N"), [MONDAY])
    export = hours_ledger_export(actor=world.community_staff, community=duty.community, month=MARCH)
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert "光华社区" in rows[0][0] and "2026-03" in rows[0][0]
    assert list(rows[1]) == [str(h) for h in HEADERS]
    assert len(rows) == 2 + len(duty.people)
    volunteer = next(r for r in rows[2:] if r[0] == "志愿者小李")
    assert volunteer[2:] == (1, 12, None, 1, 12, 0, 0, 0)
    assert export.ascii_filename == "duty-hours-2026-03.xlsx"
    event = AuditEvent.objects.get(action="duty_hours.export")
    assert event.changes == {"month": "2026-03", "rows": len(duty.people), "format": "xlsx"}


def test_the_hours_page_shows_the_month_with_a_download_link(duty, march, login, world):
    work(march, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY])
    url = reverse("duty:hours", args=[duty.community.pk])
    with time_machine.travel(NOW, tick=False):
        response = login(world.community_staff).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{reverse('duty:hours_ledger', args=[duty.community.pk])}?month=2026-03" in html
    assert html.count('data-testid="hours-row"') == len(duty.people)


def test_the_hours_page_reads_another_month(duty, login, world):
    url = reverse("duty:hours", args=[duty.community.pk])
    with time_machine.travel(NOW, tick=False):
        response = login(world.community_staff).get(url, {"month": "2026-01"})
    assert response.context["month"] == datetime.date(2026, 1, 1)


def test_a_bad_month_on_the_page_shows_this_month_and_says_why(duty, login, world):
    url = reverse("duty:hours", args=[duty.community.pk])
    with time_machine.travel(NOW, tick=False):
        response = login(world.community_staff).get(url, {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["month"] == MARCH
    assert response.context["notice"] == str(ERR_MONTH) % {"value": "2026-13"}


def test_downloading_the_ledger_from_the_page(duty, march, login, world):
    url = reverse("duty:hours_ledger", args=[duty.community.pk])
    response = login(world.street_officer).get(url, {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "duty-hours-2026-03.xlsx" in response["Content-Disposition"]
    assert AuditEvent.objects.get(action="duty_hours.export").actor == world.street_officer


def test_a_bad_month_downloads_nothing(duty, login, world):
    url = reverse("duty:hours_ledger", args=[duty.community.pk])
    response = login(world.community_staff).get(url, {"month": "soon"})
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:hours", args=[duty.community.pk])
    assert not AuditEvent.objects.filter(action="duty_hours.export").exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("grid_worker", 403), ("volunteer", 403)]
)
def test_the_ledger_is_for_those_managing_the_communitys_duty(duty, login, world, persona, status):
    url = reverse("duty:hours_ledger", args=[duty.community.pk])
    assert login(getattr(world, persona)).get(url).status_code == status
    assert not AuditEvent.objects.filter(action="duty_hours.export").exists()


def test_the_hours_page_reads_in_fixed_queries(
    duty, march, login, world, django_assert_max_num_queries
):
    for i in range(10):
        v = Volunteer.objects.create(community=duty.community, name=f"加班{i}")
        person = DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)
        (shift,) = work(march, person, shift_of(duty.gate, "D"), [MONDAY + DAY * i])
        _check(shift, CheckKind.IN, 8)
        _check(shift, CheckKind.OUT, 16)
    client = login(world.community_staff)
    url = reverse("duty:hours", args=[duty.community.pk])
    with time_machine.travel(NOW, tick=False):
        client.get(url)  # the session is stamped on the first request
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
