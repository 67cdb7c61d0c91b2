"""The overtime and night-hours ledger of a community's month, for allowances (补助): one
row per person with their shifts, planned and actual hours, night, weekend and holiday
hours, and hours above the standard working week (标准工时). Read in a fixed number of
queries; exported as .xlsx through the one ledger writer, audited.

- Planned hours: the published shifts (not called in sick) starting in the month.
- Actual hours: check-out minus check-in of each of those shifts that has both; blank for
  a person none of whose shifts has both.
- Night hours: the hours of night shifts.
- Weekend and holiday hours: the planned hours falling on such days (a shift crossing
  midnight is split at it); the whole Spring Festival break counts as holiday
  (shoumen/lib/workdays.day_kind), a make-up workday (调休) as a workday.
- Hours above the standard week: for each ISO week whose Thursday falls in the month (so
  every week belongs to exactly one month), the planned hours of that whole week above
  ``SHOUMEN_DUTY_STANDARD_HOURS_WEEK``."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import Assignment, CheckIn, CheckKind, DutyPerson, RosterStatus
from shoumen.duty.rest import DAY, hours_between, month_of, week_of
from shoumen.lib.downloads import Download
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger
from shoumen.places.models import OrgUnit

ERR_MONTH = _("“%(value)s” is not a month (YYYY-MM).")
MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
ZERO = Decimal("0.00")

HEADERS = (
    _("Name"),
    _("Team"),
    _("Shifts"),
    _("Planned hours"),
    _("Actual hours"),
    _("Night shifts"),
    _("Night hours"),
    _("Weekend hours"),
    _("Holiday hours"),
    _("Hours above the standard week"),
)
WIDTHS = (14, 16, 8, 10, 10, 8, 10, 10, 10, 12)


@dataclass
class HoursRow:
    person: DutyPerson
    shifts: int = 0
    planned: Decimal = ZERO
    actual: Decimal | None = None
    night_shifts: int = 0
    night: Decimal = ZERO
    weekend: Decimal = ZERO
    holiday: Decimal = ZERO
    above_standard: Decimal = ZERO
    # Planned hours per ISO week (Monday), for the weeks of the month.
    weeks: dict[datetime.date, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def cells(self) -> list:
        return [
            self.person.name,
            self.person.get_team_display(),
            self.shifts,
            self.planned,
            self.actual,
            self.night_shifts,
            self.night,
            self.weekend,
            self.holiday,
            self.above_standard,
        ]


def parse_month(value: str | None) -> datetime.date | None:
    """The first day of "YYYY-MM", or None when it is not a month."""
    match = MONTH_RE.fullmatch((value or "").strip())
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def weeks_of_month(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The Monday of the first and the Sunday of the last ISO week whose Thursday falls in
    the month of ``first``."""
    _first, last = month_of(first)
    thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    last_thursday = last - datetime.timedelta(days=(last.weekday() - 3) % 7)
    return week_of(thursday)[0], week_of(last_thursday)[1]


def _split_by_day(
    start: datetime.datetime, end: datetime.datetime
) -> list[tuple[datetime.date, Decimal]]:
    """The hours of a shift on each local calendar day it touches."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    pieces = []
    current = local_start
    while current < local_end:
        midnight = timezone.make_aware(
            datetime.datetime.combine(current.date() + DAY, datetime.time())
        )
        piece_end = min(midnight, local_end)
        pieces.append((current.date(), hours_between(current, piece_end)))
        current = piece_end
    return pieces


def hours_ledger_rows(community: OrgUnit, month: datetime.date) -> list[HoursRow]:
    """Every person of ``community`` who is active or stood a shift in ``month`` (its
    first day), by name. Three queries."""
    first, last = month_of(month)
    week_start, week_end = weeks_of_month(first)
    start, end = min(first, week_start), max(last, week_end)
    shifts = list(
        Assignment.objects.filter(
            roster__community=community,
            roster__status=RosterStatus.PUBLISHED,
            date__range=(start, end),
            absent=False,
        )
        .order_by("starts_at", "pk")
        .values_list(
            "pk", "person_id", "shift_id", "date", "starts_at", "ends_at", "shift__is_night"
        )
    )
    seen: set[tuple] = set()
    kept = []
    for shift_row in shifts:
        if (key := (shift_row[1], shift_row[2], shift_row[3])) not in seen:
            seen.add(key)
            kept.append(shift_row)
    in_month = {pk for pk, _p, _s, date, *_rest in kept if first <= date <= last}
    checks: dict[int, dict[str, datetime.datetime]] = defaultdict(dict)
    for assignment_id, kind, at in CheckIn.objects.filter(
        assignment__roster__community=community,
        assignment__roster__status=RosterStatus.PUBLISHED,
        assignment__date__range=(first, last),
    ).values_list("assignment_id", "kind", "at"):
        checks[assignment_id][kind] = at
    people_ids = {person_id for pk, person_id, *_rest in kept if pk in in_month}
    people = DutyPerson.objects.filter(community=community).order_by("name", "pk")
    rows = {p.pk: HoursRow(person=p) for p in people if p.is_active or p.pk in people_ids}
    for pk, person_id, _shift, date, starts, ends, is_night in kept:
        row = rows.get(person_id)
        if row is None:
            continue
        hours = hours_between(starts, ends)
        if week_start <= date <= week_end:
            row.weeks[week_of(date)[0]] += hours
        if pk not in in_month:
            continue
        row.shifts += 1
        row.planned += hours
        if is_night:
            row.night_shifts += 1
            row.night += hours
        for piece_day, piece in _split_by_day(starts, ends):
            kind = day_kind(piece_day)
            if kind == WEEKEND:
                row.weekend += piece
            elif kind == HOLIDAY:
                row.holiday += piece
        checked = checks.get(pk, {})
        if CheckKind.IN in checked and CheckKind.OUT in checked:
            row.actual = (row.actual or ZERO) + hours_between(
                checked[CheckKind.IN], checked[CheckKind.OUT]
            )
    standard = Decimal(settings.SHOUMEN_DUTY_STANDARD_HOURS_WEEK)
    for row in rows.values():
        row.above_standard = sum(
            (max(ZERO, hours - standard) for hours in row.weeks.values()), ZERO
        )
    return list(rows.values())


def hours_ledger_export(*, actor, community: OrgUnit, month: datetime.date) -> Download:
    """The month's ledger as .xlsx for those who manage the community's duty; audited."""
    require(actor, Perm.MANAGE_DUTY, community)
    first, _last = month_of(month)
    rows = hours_ledger_rows(community, first)
    label = first.strftime("%Y-%m")
    title = gettext("Duty hours of %(community)s, %(month)s") % {
        "community": community.name,
        "month": label,
    }
    content = write_ledger(
        sheet_name=label,
        headers=[str(h) for h in HEADERS],
        rows=[row.cells() for row in rows],
        widths=WIDTHS,
        title=title,
    )
    audit_event_record(
        actor=actor,
        action="duty_hours.export",
        target=community,
        org_path=community.path,
        changes={"month": label, "rows": len(rows), "format": "xlsx"},
    )
    return Download(
        content=content,
        filename=f"{title}.xlsx",
        ascii_filename=f"duty-hours-{label}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
