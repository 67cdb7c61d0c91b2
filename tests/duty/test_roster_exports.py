"""A roster as .xlsx: one sheet a week, a row per post and shift, a column a day with
holidays and weekends named, names as text (never formulas), sick calls and covers
marked, audited; refused outside the actor's jurisdiction."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.duty.models import Assignment, AssignmentSource
from shoumen.duty.roster_exports import roster_export
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE
from tests.duty.conftest import MONDAY, NOW
from tests.duty.roster_helpers import written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_the_export_has_one_sheet_a_week_with_a_row_per_post_and_shift(login, world, duty):
    roster = written(duty, end=MONDAY + datetime.timedelta(days=9))
    response = login(world.community_staff).get(reverse("duty:roster_export", args=[roster.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "duty-roster-C1-2026-03-02_2026-03-11.xlsx" in response["Content-Disposition"]
    book = _book(response.content)
    assert book.sheetnames == ["03-02—03-08", "03-09—03-15"]
    sheet = book["03-02—03-08"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "光华社区" in rows[0][0]
    header = rows[1]
    assert header[:3] == ("Post", "Shift", "Hours")
    assert header[3].startswith("03-02 Mon")
    assert header[8].endswith("weekend") and header[9].endswith("weekend")
    body = rows[2:]
    assert len(body) == 5
    first = Assignment.objects.get(
        roster=roster, date=MONDAY, shift__post=duty.gate, shift__code="N"
    )
    gate_night = next(r for r in body if r[0] == "北门卡点" and r[1] == "夜班")
    assert gate_night[2] == "00:00–08:00"
    assert gate_night[3] == first.person.name
    # The second week's days after the roster's end are left empty.
    second = list(book["03-09—03-15"].iter_rows(values_only=True))[2:]
    assert all(r[6] is None for r in second)  # 03-12
    assert all(r[3] for r in second)  # 03-09 in the roster


def test_the_export_is_audited(login, world, duty):
    roster = written(duty)
    login(world.community_staff).get(reverse("duty:roster_export", args=[roster.pk]))
    event = AuditEvent.objects.get(action="roster.export")
    assert event.target_id == str(roster.pk)
    assert event.changes["format"] == "xlsx"


def test_names_that_look_like_formulas_stay_text(world, duty):
    person = duty.people[0]
    person.name = '=HYPERLINK("http://x")'
    person.save()
    roster = written(duty, end=MONDAY)
    export = roster_export(actor=world.community_staff, roster=roster)
    sheet = _book(export.content).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == person.name]
    assert cells and all(c.data_type == "s" for c in cells)


def test_sick_calls_and_covers_are_marked_in_the_export(world, duty):
    roster = written(duty, end=MONDAY)
    sick = roster.assignments.select_related("shift", "person").get(
        shift__post=duty.gate, shift__code="N"
    )
    sick.absent = True
    sick.save()
    cover = duty.people[-1]
    Assignment.objects.create(
        roster=roster,
        shift=sick.shift,
        date=sick.date,
        person=cover,
        starts_at=sick.starts_at,
        ends_at=sick.ends_at,
        source=AssignmentSource.COVER,
    )
    with translation.override("en"):
        content = roster_export(actor=world.community_staff, roster=roster).content
    sheet = _book(content).active
    row = next(
        r for r in sheet.iter_rows(values_only=True) if r[0] == "北门卡点" and r[1] == "夜班"
    )
    assert f"{sick.person.name} (called in sick)" in row[3]
    assert f"{cover.name} (cover)" in row[3]


def test_holidays_are_named_in_the_export_headers(world, duty):
    with time_machine.travel("2026-09-28 09:00 +0800", tick=False):
        roster = written(duty, start=datetime.date(2026, 9, 28), end=datetime.date(2026, 10, 4))
        with translation.override("en"):
            content = roster_export(actor=world.community_staff, roster=roster).content
    header = list(_book(content).active.iter_rows(values_only=True))[1]
    assert header[6].startswith("10-01") and header[6].endswith("holiday")


def test_an_officer_of_another_street_cannot_export(login, world, duty):
    roster = written(duty)
    with pytest.raises(PermissionDenied):
        roster_export(actor=world.outsider, roster=roster)
    response = login(world.outsider).get(reverse("duty:roster_export", args=[roster.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="roster.export").exists()
