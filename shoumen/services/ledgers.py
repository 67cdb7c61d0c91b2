"""The services' ledgers as .xlsx, through the one ledger writer, audited:

- 服务台账: a month's requests under a unit — what, by which door, when asked, due,
  delivered and confirmed, who carried it — residents' and volunteers' names masked;
- the hotline ledger: a month's calls counted per community and day, by topic (never a
  caller)."""

import datetime
from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.downloads import Download
from shoumen.lib.names import mask_name
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger
from shoumen.places.models import OrgUnit
from shoumen.services.models import HotlineCall, ServiceRequest, Topic

REQUEST_HEADERS = (
    _("No."),
    _("Asked at"),
    _("Community"),
    _("Grid"),
    _("For"),
    _("Kind of help"),
    _("Urgency"),
    _("Came by"),
    _("Status"),
    _("Due by"),
    _("Carried by"),
    _("Delivered at"),
    _("What was delivered"),
    _("Confirmed at"),
    _("Confirmed by"),
)
REQUEST_WIDTHS = (6, 16, 12, 14, 8, 10, 10, 12, 10, 16, 12, 16, 24, 16, 10)
HOTLINE_TOPICS = list(Topic)
HOTLINE_HEADERS = (
    _("Day"),
    _("Community"),
    _("Calls"),
    _("Minutes"),
    *(t.label for t in HOTLINE_TOPICS),
    _("Follow-ups due"),
    _("Follow-ups done"),
)


def parse_month(value: str | None) -> datetime.date | None:
    """The first day of "YYYY-MM", or None when it is not a month."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None


def month_bounds(first: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    following = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)

    def at(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return at(first.replace(day=1)), at(following)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _carrier(req: ServiceRequest) -> str:
    if req.volunteer is not None:
        return mask_name(req.volunteer.name)
    return str(req.cadre) if req.cadre is not None else ""


def _confirmer(req: ServiceRequest) -> str:
    if req.confirmed_at is None:
        return ""
    return gettext("Resident") if req.confirmed_by is None else str(req.confirmed_by)


def request_rows(unit: OrgUnit, first: datetime.date) -> list[list]:
    start, end = month_bounds(first)
    rows = (
        ServiceRequest.objects.filter(
            grid__path__startswith=unit.path, created_at__gte=start, created_at__lt=end
        )
        .select_related("community", "grid", "person", "volunteer", "cadre", "confirmed_by")
        .order_by("created_at", "pk")
    )
    return [
        [
            req.pk,
            _when(req.created_at),
            req.community.name,
            req.grid.name,
            mask_name(req.person.name) if req.person else gettext("Household"),
            req.get_kind_display(),
            req.get_urgency_display(),
            req.get_door_display(),
            req.get_status_display(),
            _when(req.due_at),
            _carrier(req),
            _when(req.done_at),
            req.done_note,
            _when(req.confirmed_at),
            _confirmer(req),
        ]
        for req in rows
    ]


def _export(actor, unit, label, title, headers, rows, widths, action, ascii_name) -> Download:
    content = write_ledger(
        sheet_name=label,
        headers=[str(h) for h in headers],
        rows=rows,
        widths=widths,
        title=title,
    )
    audit_event_record(
        actor=actor,
        action=action,
        target=unit,
        org_path=unit.path,
        changes={"month": label, "rows": len(rows), "format": "xlsx"},
    )
    return Download(
        content=content,
        filename=f"{title}.xlsx",
        ascii_filename=f"{ascii_name}-{label}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def service_ledger_export(*, actor, unit: OrgUnit, month: datetime.date) -> Download:
    """服务台账 of ``unit``'s month, for those who manage services and export ledgers there."""
    require(actor, Perm.MANAGE_SERVICES, unit)
    require(actor, Perm.EXPORT, unit)
    label = month.strftime("%Y-%m")
    title = gettext("Service ledger of %(unit)s, %(month)s") % {"unit": unit.name, "month": label}
    rows = request_rows(unit, month)
    return _export(
        actor,
        unit,
        label,
        title,
        REQUEST_HEADERS,
        rows,
        REQUEST_WIDTHS,
        "service_ledger.export",
        "service-ledger",
    )


def hotline_rows(unit: OrgUnit, first: datetime.date) -> list[list]:
    start, end = month_bounds(first)
    calls = (
        HotlineCall.objects.filter(
            community__path__startswith=unit.path,
            received_at__gte=start,
            received_at__lt=end,
        )
        .select_related("community")
        .order_by("received_at")
    )
    groups: dict[tuple, dict] = defaultdict(
        lambda: {"calls": 0, "minutes": 0, "topics": Counter(), "due": 0, "done": 0}
    )
    for call in calls:
        day = timezone.localtime(call.received_at).date()
        g = groups[(day, call.community.path, call.community.name)]
        g["calls"] += 1
        g["minutes"] += call.minutes
        g["topics"][call.topic] += 1
        g["due"] += call.follow_up_on is not None
        g["done"] += call.follow_up_done
    return [
        [
            day.isoformat(),
            name,
            g["calls"],
            g["minutes"],
            *(g["topics"][t.value] for t in HOTLINE_TOPICS),
            g["due"],
            g["done"],
        ]
        for (day, _path, name), g in sorted(groups.items())
    ]


def hotline_ledger_export(*, actor, unit: OrgUnit, month: datetime.date) -> Download:
    """The hotline's month under ``unit``, counts only, for those who keep the log there."""
    require(actor, Perm.LOG_HOTLINE, unit)
    label = month.strftime("%Y-%m")
    title = gettext("Hotline calls of %(unit)s, %(month)s") % {"unit": unit.name, "month": label}
    rows = hotline_rows(unit, month)
    widths = (12, 14, 8, 8, *(8 for _ in HOTLINE_TOPICS), 10, 10)
    return _export(
        actor,
        unit,
        label,
        title,
        HOTLINE_HEADERS,
        rows,
        widths,
        "hotline_ledger.export",
        "hotline",
    )
