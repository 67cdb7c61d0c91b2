"""The checkpoint ledger (卡点登记台账) of one post and day as .xlsx: passes through the
post and visitors, each on its own sheet with a title row, a frozen header and column
widths. Names are masked the way volunteers see them; phones show the last four digits."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shoumen.checkpoints.models import Checkpoint, Direction, Scan, Verdict, VerdictReason, Visitor
from shoumen.lib import xlsx
from shoumen.lib.names import mask_name

XLSX_CONTENT_TYPE = xlsx.XLSX_CONTENT_TYPE
LEDGER_TITLE = _("%(post)s checkpoint ledger (%(date)s)")
LEDGER_FILENAME = _("%(post)s checkpoint ledger %(date)s")
SCANS_SHEET = _("Passes")
VISITORS_SHEET = _("Visitors")


@dataclass(frozen=True)
class Column:
    label: Promise
    width: int
    value: Callable[[Any], object]


def _time(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M:%S") if value else ""


def _temperature(value) -> object:
    return float(value) if value is not None else ""


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _scan_columns() -> list[Column]:
    direction, verdict, reason = (
        _labels(Direction.choices),
        _labels(Verdict.choices),
        _labels(VerdictReason.choices),
    )
    return [
        Column(_("Time"), 10, lambda s: _time(s.scanned_at)),
        Column(_("Name"), 12, lambda s: mask_name(s.person.name) if s.person else ""),
        Column(_("Direction"), 8, lambda s: direction.get(s.direction, s.direction)),
        Column(_("Temperature (°C)"), 12, lambda s: _temperature(s.temperature)),
        Column(_("Result"), 16, lambda s: verdict.get(s.verdict, s.verdict)),
        Column(_("Reason"), 28, lambda s: reason.get(s.reason, s.reason)),
        Column(_("Offline"), 8, lambda s: gettext("Yes") if s.offline else ""),
        Column(_("Flagged"), 8, lambda s: gettext("Yes") if s.flagged else ""),
        Column(_("Volunteer"), 14, lambda s: s.volunteer.username if s.volunteer else ""),
    ]


def _visitor_columns() -> list[Column]:
    return [
        Column(_("Time in"), 10, lambda v: _time(v.arrived_at)),
        Column(_("Time out"), 10, lambda v: _time(v.left_at)),
        Column(_("Name"), 12, lambda v: mask_name(v.name)),
        Column(_("Phone"), 14, lambda v: f"****{v.phone_last4}"),
        Column(_("Visiting"), 24, lambda v: v.household.label if v.household else v.visiting),
        Column(_("Reason for the visit"), 24, lambda v: v.reason),
        Column(_("Temperature (°C)"), 12, lambda v: _temperature(v.temperature)),
        Column(
            _("Registered by"),
            14,
            lambda v: v.registered_by.username if v.registered_by else gettext("Self"),
        ),
    ]


def _sheet(
    workbook: xlsx.LedgerWorkbook, name: str, title: str, columns: list[Column], items
) -> None:
    """A sheet with the title merged across, a numbered first column and frozen header.
    Names, reasons and "visiting" are typed by visitors: written as text, never formulas."""
    sheet = workbook.sheet(
        name,
        title=title,
        headers=[gettext("No."), *(str(c.label) for c in columns)],
        widths=[6, *(c.width for c in columns)],
    )
    for number, item in enumerate(items, start=1):
        sheet.append([number, *(column.value(item) for column in columns)])


def ledger_title(checkpoint: Checkpoint, day: datetime.date) -> str:
    return LEDGER_TITLE % {"post": checkpoint.name, "date": day.isoformat()}


def ledger_filename(checkpoint: Checkpoint, day: datetime.date) -> str:
    return f"{LEDGER_FILENAME % {'post': checkpoint.name, 'date': day.strftime('%Y%m%d')}}.xlsx"


def checkpoint_ledger_xlsx(
    checkpoint: Checkpoint, day: datetime.date, scans: list[Scan], visitors: list[Visitor]
) -> bytes:
    workbook = xlsx.LedgerWorkbook()
    title = ledger_title(checkpoint, day)
    _sheet(workbook, str(SCANS_SHEET), title, _scan_columns(), scans)
    _sheet(workbook, str(VISITORS_SHEET), title, _visitor_columns(), visitors)
    return workbook.save()
