"""The daily report exported, one day or up to 31: an .xlsx (days × figures, the status and
words of each day, and for a street or district its communities' confirmations), a PDF to
print and sign (shoumen/lib/pdf.py) and the chat text (daily_text). Exactly the report's
figures, counts only: no personal data, not even who confirmed. Every export is audited."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.downloads import Download
from shoumen.lib.metrics import shown
from shoumen.lib.pdf import PDF_CONTENT_TYPE, PdfDocument
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, LedgerWorkbook
from shoumen.places.models import OrgUnit
from shoumen.reports.daily import DayReport, daily_reports_between
from shoumen.reports.daily_text import (
    chat_texts,
    status_words,
    sub_unit_words,
    unit_word,
)

MAX_DAYS = 31
FORMATS = ("xlsx", "pdf", "txt")
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
ERR_FORMAT = _("Choose a format: xlsx, pdf or txt.")
ERR_DATE_ORDER = _("The first day must not be after the last day.")
ERR_TOO_MANY_DAYS = _("Export at most %(days)d days at a time.")
ERR_FUTURE = _("There is no report yet for a day still to come.")
REPORT_NAME = _("daily epidemic prevention report")


def _yes(flag: bool) -> str:
    return gettext("yes") if flag else gettext("no")


def _confirmed_at(day: DayReport):
    return timezone.localtime(day.report.confirmed_at) if day.report else None


def daily_xlsx(unit: OrgUnit, days: list[DayReport], span: str) -> bytes:
    """Figures (a row a day, a column a metric), Status (the words of each day) and, for a
    street or district, Communities (each community's confirmation of each day)."""
    workbook = LedgerWorkbook()
    metrics = days[0].metrics if days else []
    title = f"{unit.name} {REPORT_NAME}（{span}）"
    headers = [gettext("Date")] + [f"{m.label}（{unit_word(m)}）" for m in metrics]
    figures = workbook.sheet(
        gettext("Figures"), headers=headers, widths=[12] + [14] * len(metrics), title=title
    )
    for day in days:
        figures.append([day.date, *(shown(v) for _m, v in day.rows)])
    status = workbook.sheet(
        gettext("Status"),
        headers=[
            gettext("Date"),
            gettext("Status"),
            gettext("Confirmed at"),
            gettext("On time"),
            gettext("Zero report"),
            gettext("Narrative"),
            gettext("Remarks"),
        ],
        widths=[12, 30, 18, 8, 10, 60, 40],
        title=title,
    )
    for day in days:
        report = day.report
        status.append(
            [
                day.date,
                status_words(day),
                _confirmed_at(day),
                _yes(report.on_time) if report else None,
                _yes(report.zero if report else day.zero),
                day.text,
                report.remarks if report else None,
            ]
        )
    if days and days[0].sub_units:
        sheet = workbook.sheet(
            gettext("Communities"),
            headers=[
                gettext("Date"),
                gettext("Community"),
                gettext("Confirmed"),
                gettext("Confirmed at"),
                gettext("On time"),
                gettext("Zero report"),
            ],
            widths=[12, 20, 10, 18, 8, 10],
            title=title,
        )
        for day in days:
            for sub in day.sub_units:
                report = sub.report
                sheet.append(
                    [
                        day.date,
                        sub.unit.name,
                        _yes(report is not None),
                        timezone.localtime(report.confirmed_at) if report else None,
                        _yes(report.on_time) if report else None,
                        _yes(report.zero) if report else None,
                    ]
                )
    return workbook.save()


def daily_pdf(unit: OrgUnit, days: list[DayReport], span: str) -> bytes:
    """A page a day (more for a street or district with many communities): the status,
    the narrative, the figures in two columns, the remarks, the communities not confirmed,
    and lines to sign."""
    doc = PdfDocument(
        title=f"{unit.name} {REPORT_NAME} {span}", footer=str(REPORT_NAME), margin_mm=12
    )
    for index, day in enumerate(days):
        if index:
            doc.page_break()
        doc.heading(f"{unit.name} {REPORT_NAME}", size=16)
        doc.subtitle(day.date.isoformat())
        doc.key_values(
            [
                (gettext("Org unit"), f"{unit.name}（{unit.get_level_display()}）"),
                (gettext("Date"), day.date.isoformat()),
                (gettext("Due by"), timezone.localtime(day.deadline).strftime("%H:%M")),
                (gettext("Status"), status_words(day)),
            ],
            size=10.5,
            label_mm=22,
            line_mm=6,
        )
        doc.section(gettext("Summary"))
        doc.paragraph(day.text, indent=True)
        doc.section(gettext("Figures"))
        head = [gettext("Item"), gettext("Number"), pgettext("metric unit", "Unit")]
        doc.table(
            head * 2,
            _side_by_side([[str(m.label), shown(v), unit_word(m)] for m, v in day.rows]),
            widths=[3, 1, 1] * 2,
            numeric=[1, 4],
            size=9,
        )
        if day.report is not None and day.report.remarks:
            doc.section(gettext("Remarks"))
            doc.paragraph(day.report.remarks)
        if day.sub_units:
            doc.section(
                gettext("%(missing)d of %(total)d communities not confirmed")
                % {"missing": len(day.missing), "total": len(day.sub_units)}
            )
            doc.table(
                [gettext("Community"), gettext("Status")],
                [[sub.unit.name, sub_unit_words(sub, day)] for sub in day.sub_units],
                widths=[2, 3],
                highlight=[i for i, sub in enumerate(day.sub_units) if not sub.confirmed],
            )
        doc.signature(
            [
                (gettext("Filled in by"), ""),
                (gettext("Checked by"), ""),
                (gettext("Date"), day.date.isoformat()),
            ],
            inline=True,
        )
    return doc.build()


def _side_by_side(rows: list[list]) -> list[list]:
    """The figures in two columns of rows (the first half, then the second), so that a
    day's figures stay on its page."""
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    return [a + (right[i] if i < len(right) else ["", "", ""]) for i, a in enumerate(left)]


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "", text)


def _span(start: datetime.date, end: datetime.date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()}_{end.isoformat()}"


def check_period(start: datetime.date, end: datetime.date) -> None:
    """At most 31 days, in order, none still to come; else a ValidationError."""
    if start > end:
        raise ValidationError({"from": [ERR_DATE_ORDER]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"to": [ERR_TOO_MANY_DAYS % {"days": MAX_DAYS}]})
    if end > today():
        raise ValidationError({"to": [ERR_FUTURE]})


def daily_report_export(
    *, actor, unit: OrgUnit, start: datetime.date, end: datetime.date, fmt: str
) -> Download:
    """``unit``'s reports from ``start`` to ``end`` as .xlsx, .pdf or .txt, audited.
    Raises OrgUnit.DoesNotExist outside the actor's scope."""
    if fmt not in FORMATS:
        raise ValidationError({"format": [ERR_FORMAT]})
    check_period(start, end)
    days = daily_reports_between(actor, unit, start, end)
    span = _span(start, end)
    if fmt == "xlsx":
        content, content_type = daily_xlsx(unit, days, span), XLSX_CONTENT_TYPE
    elif fmt == "pdf":
        content, content_type = daily_pdf(unit, days, span), PDF_CONTENT_TYPE
    else:
        content, content_type = chat_texts(days).encode("utf-8"), TEXT_CONTENT_TYPE
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="reports.daily_report.export",
            target=unit,
            org_path=unit.path,
            changes={
                "from": start.isoformat(),
                "to": end.isoformat(),
                "format": fmt,
                "days": len(days),
            },
        )
    return Download(
        content=content,
        filename=f"{unit.name}{REPORT_NAME}{span}.{fmt}",
        ascii_filename=f"daily-report-{_ascii(unit.code) or unit.pk}-{span}.{fmt}",
        content_type=content_type,
    )
