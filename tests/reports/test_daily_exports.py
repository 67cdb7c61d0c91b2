"""The daily report's exports: exactly the report's figures in the .xlsx cells, the PDF's
text and the chat text's lines; the street's communities; selectable Chinese in the PDF;
at most 31 days; audited; no personal data; scoped like the page."""

import datetime
import io
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from shoumen.audit.models import AuditEvent
from shoumen.lib.metrics import shown
from shoumen.reports.daily import daily_report_of, daily_reports_between
from shoumen.reports.daily_services import daily_report_confirm
from shoumen.reports.daily_text import figure_line, key_rows, unit_word
from shoumen.reports.models import DailyFigure, DailyReport

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOON_AFTER = datetime.datetime(2026, 12, 5, 12, tzinfo=SHANGHAI)


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def store(world, code: str, metric: str, value: float, day: datetime.date = DAY) -> None:
    DailyFigure.objects.create(unit=world.unit(code), date=day, metric=metric, value=value)


@pytest.fixture
def busy(world):
    """C1: 3 new observations and 2 households visited on DAY, 1 fever report the day
    before; C2 (the same street): 4 visited on DAY."""
    store(world, "C1", "observation.started", 3)
    store(world, "C1", "screening.households_visited", 2)
    store(world, "C1", "alerts.fever_reports", 1, DAY - datetime.timedelta(days=1))
    store(world, "C2", "screening.households_visited", 4)


def export(client, unit, **query):
    return client.get(reverse("reports:daily_export", args=[unit.pk]), query)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Exports in English (the words are msgids until their Chinese is merged); the units'
    names stay Chinese data."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def in_english(fn, *args):
    with translation.override("en"):
        return fn(*args)


def test_xlsx_cells_are_the_reports_figures(world, login, busy):
    client = login(world.community_staff)
    start = DAY - datetime.timedelta(days=1)
    with time_machine.travel(NOON_AFTER):
        response = export(client, world.community, **{"from": start, "to": DAY, "format": "xlsx"})
        reports = in_english(
            daily_reports_between, world.community_staff, world.community, start, DAY
        )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers, data = rows[1], rows[2:]
    with translation.override("en"):
        assert list(headers[1:]) == [f"{m.label}（{unit_word(m)}）" for m in reports[0].metrics]
    assert len(data) == 2
    for row, report in zip(data, reports, strict=True):
        assert row[0].date() == report.date
        assert list(row[1:]) == [shown(v) for _m, v in report.rows]
    assert data[1][1 + [m.name for m in reports[1].metrics].index("observation.started")] == 3
    status = list(book.worksheets[1].iter_rows(values_only=True))
    assert [r[5] for r in status[2:]] == [r.text for r in reports]
    assert len(book.worksheets) == 2  # a community has no communities sheet


def test_xlsx_of_a_street_has_its_communities(world, login, busy):
    with time_machine.travel(at(15)):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
    with time_machine.travel(NOON_AFTER):
        response = export(login(world.street_officer), world.street, date=DAY, format="xlsx")
        report = in_english(daily_report_of, world.street_officer, world.street, DAY)
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 3
    figures = list(book.worksheets[0].iter_rows(values_only=True))[2]
    # The street sums its confirmed communities only: C2's 4 visits are not in yet.
    assert list(figures[1:]) == [shown(v) for _m, v in report.rows]
    communities = list(book.worksheets[2].iter_rows(values_only=True))[2:]
    assert [r[1] for r in communities] == ["光华社区", "永安社区"]
    assert [r[2] for r in communities] == ["yes", "no"]
    assert communities[1][3] is None  # C2: no confirmation time


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_has_the_reports_figures_as_selectable_chinese_text(world, login, busy):
    with time_machine.travel(NOON_AFTER):
        response = export(login(world.community_staff), world.community, date=DAY, format="pdf")
        report = in_english(daily_report_of, world.community_staff, world.community, DAY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"STSong-Light" in response.content
    text = pdf_text(response.content)
    assert "光华社区" in text and "2026-11-30" in text
    assert report.text.rstrip("。") in text.replace("\n", "")
    lines = [line.strip() for line in text.splitlines()]
    with translation.override("en"):
        for metric, value in report.rows:
            label = str(metric.label)
            assert label in lines
            # The table reads label, number, unit, each in its cell.
            at_ = lines.index(label)
            assert lines[at_ + 1] == str(shown(value)), label
            assert lines[at_ + 2] == unit_word(metric)


def test_pdf_of_a_range_has_a_page_a_day_numbered(world, login, busy):
    with time_machine.travel(NOON_AFTER):
        response = export(
            login(world.community_staff),
            world.community,
            **{"from": DAY - datetime.timedelta(days=2), "to": DAY, "format": "pdf"},
        )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    # Each day starts a page with its title and date (one page a day for a community).
    starts = [t.splitlines()[1].strip() for t in pages if t.startswith("光华社区")]
    assert starts == ["2026-11-28", "2026-11-29", "2026-11-30"]
    assert len(pages) == 3
    assert all(f"第 {n} 页 / 共 3 页" in text for n, text in enumerate(pages, 1))


def test_txt_lines_are_the_reports(world, login, busy):
    with time_machine.travel(at(15, 42)):
        daily_report_confirm(
            actor=world.community_staff, unit=world.community, date=DAY, remarks="已电话核实"
        )
    with time_machine.travel(NOON_AFTER):
        response = export(login(world.community_staff), world.community, date=DAY, format="txt")
        report = in_english(daily_report_of, world.community_staff, world.community, DAY)
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == "[光华社区 daily epidemic prevention report 2026-11-30]"
    assert lines[1] == report.text
    with translation.override("en"):
        expected = [figure_line(m, v) for m, v in key_rows(report)]
    assert lines[2 : 2 + len(expected)] == expected
    # The notable figures are all there, 0 or not; the others only when not 0.
    named = {m.name for m, _v in key_rows(report)}
    assert "observation.started" in named and "alerts.opened" in named
    assert "observation.completed" not in named
    assert any("15:42" in line for line in lines)
    assert any("已电话核实" in line for line in lines)


def test_txt_of_a_street_lists_its_communities_not_confirmed(world, login, busy):
    with time_machine.travel(at(15)):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
    with time_machine.travel(NOON_AFTER):
        response = export(login(world.street_officer), world.street, date=DAY, format="txt")
    last = response.content.decode("utf-8").splitlines()[-1]
    assert "永安社区" in last and "光华社区" not in last


def test_exports_are_audited_without_personal_data(world, login, busy):
    with time_machine.travel(at(15)):
        daily_report_confirm(actor=world.community_staff, unit=world.community, date=DAY)
    client = login(world.street_officer)
    with time_machine.travel(NOON_AFTER):
        responses = [export(client, world.community, date=DAY, format=f) for f in ("xlsx", "txt")]
    events = AuditEvent.objects.filter(action="reports.daily_report.export")
    assert [e.changes["format"] for e in events.order_by("pk")] == ["xlsx", "txt"]
    assert events.order_by("pk").first().changes == {
        "from": "2026-11-30",
        "to": "2026-11-30",
        "format": "xlsx",
        "days": 1,
    }
    staff = world.community_staff
    for response in responses:
        body = response.content
        if response["Content-Type"].startswith("text/plain"):
            assert staff.username.encode() not in body
        else:
            book = load_workbook(io.BytesIO(body))
            cells = [c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]
            assert staff.username not in [str(c) for c in cells]
            assert str(staff) not in [str(c) for c in cells]


def test_filename_is_ascii_safe_with_the_chinese_name_beside(world, login):
    with time_machine.travel(at(9)):
        response = export(login(world.community_staff), world.community, date=DAY, format="txt")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="daily-report-C1-2026-11-30.txt"')
    assert f"filename*=UTF-8''{quote('光华社区')}" in disposition
    disposition.encode("ascii")


def test_more_than_31_days_is_refused_with_a_message(world, login):
    client = login(world.community_staff)
    with time_machine.travel(at(9)):
        response = export(
            client, world.community, **{"from": "2026-10-30", "to": "2026-11-30", "format": "pdf"}
        )
        shown = client.get(response["Location"])
    assert response.status_code == 302
    assert "Export at most 31 days at a time." in shown.content.decode()
    assert not AuditEvent.objects.filter(action="reports.daily_report.export").exists()


def test_31_days_are_allowed(world, login):
    with time_machine.travel(at(9)):
        response = export(
            login(world.community_staff),
            world.community,
            **{"from": "2026-10-31", "to": "2026-11-30", "format": "xlsx"},
        )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows())
    assert len(rows) == 2 + 31


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-11-30", "to": "2026-11-01x"},
        {"from": "2026-11-30", "to": "2026-11-29"},
        {"date": "2026-12-01"},
        {"date": "2026-11-30", "format": "docx"},
    ],
)
def test_bad_export_requests_write_nothing(world, login, query):
    with time_machine.travel(at(9)):
        response = export(login(world.community_staff), world.community, **query)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="reports.daily_report.export").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("community_staff", 200), ("outsider", 404), ("grid_worker", 404), ("volunteer", 403)],
)
def test_exports_are_scoped_like_the_page(world, login, persona, status):
    with time_machine.travel(at(9)):
        response = export(login(getattr(world, persona)), world.community, format="txt")
    assert response.status_code == status


def test_the_page_and_the_export_say_the_same(world, login, busy):
    """The text on the page is the text exported."""
    client = login(world.community_staff)
    with time_machine.travel(NOON_AFTER):
        shown = client.get(
            reverse("reports:daily", args=[world.community.pk]), {"date": DAY.isoformat()}
        )
        exported = export(client, world.community, date=DAY, format="txt")
    assert exported.content.decode("utf-8") == shown.context["chat_text"] + "\n"
    assert DailyReport.objects.count() == 0


def test_every_metric_counts_something_the_report_has_a_word_for():
    from shoumen.lib.metrics import registered_metrics
    from shoumen.reports.daily_text import UNIT_WORDS

    assert {metric.unit for metric in registered_metrics()} <= set(UNIT_WORDS)
