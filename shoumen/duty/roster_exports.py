"""A roster as .xlsx through the safe writer (shoumen/lib/xlsx.py): one sheet a week, a row
per post and shift, a column a day, each cell the names of who stands it (sick calls and
covers marked). Every export is audited."""

import re

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import Assignment, AssignmentSource, Roster
from shoumen.duty.roster_selectors import roster_table, weeks_of
from shoumen.lib.downloads import Download
from shoumen.lib.workdays import HOLIDAY, WEEKEND
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, LedgerWorkbook

ROSTER_NAME = _("duty roster")
NAME_SEPARATOR = "、"


def person_words(a: Assignment) -> str:
    """A name as the table shows it: a sick call and a cover say so."""
    if a.absent:
        return gettext("%(name)s (called in sick)") % {"name": a.person.name}
    if a.source == AssignmentSource.COVER:
        return gettext("%(name)s (cover)") % {"name": a.person.name}
    return a.person.name


def day_header(day) -> str:
    words = f"{day.date:%m-%d} {date_format(day.date, 'D')}"
    if day.kind == HOLIDAY:
        return f"{words} {pgettext('day kind', 'holiday')}"
    if day.kind == WEEKEND:
        return f"{words} {pgettext('day kind', 'weekend')}"
    return words


def roster_xlsx(roster: Roster) -> bytes:
    workbook = LedgerWorkbook()
    span = f"{roster.starts_on:%Y-%m-%d}—{roster.ends_on:%Y-%m-%d}"
    title = f"{roster.community.name} {ROSTER_NAME} {span}"
    for monday, sunday in weeks_of(roster):
        table = roster_table(roster, monday, sunday)
        headers = [gettext("Post"), gettext("Shift"), pgettext("roster", "Hours")]
        headers += [day_header(d) for d in table.days]
        sheet = workbook.sheet(
            f"{monday:%m-%d}—{sunday:%m-%d}",
            headers=headers,
            widths=[16, 8, 12] + [16] * len(table.days),
            title=title,
        )
        for row in table.rows:
            sheet.append(
                [
                    row.post.name,
                    row.shift.label,
                    f"{row.shift.start:%H:%M}–{row.ends:%H:%M}",
                    *(
                        NAME_SEPARATOR.join(person_words(a) for a in cell) if day.in_roster else ""
                        for cell, day in zip(row.cells, table.days, strict=True)
                    ),
                ]
            )
    return workbook.save()


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "", text)


def roster_export(*, actor, roster: Roster) -> Download:
    """The roster as .xlsx for someone who manages its community, audited."""
    require(actor, Perm.MANAGE_DUTY, roster.community)
    content = roster_xlsx(roster)
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="roster.export",
            target=roster,
            org_path=roster.community.path,
            changes={
                "from": roster.starts_on.isoformat(),
                "to": roster.ends_on.isoformat(),
                "format": "xlsx",
            },
        )
    span = f"{roster.starts_on.isoformat()}_{roster.ends_on.isoformat()}"
    code = _ascii(roster.community.code) or str(roster.community.pk)
    return Download(
        content=content,
        filename=f"{roster.community.name}{ROSTER_NAME}{span}.xlsx",
        ascii_filename=f"duty-roster-{code}-{span}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
