"""The supplies' ledgers of a community as .xlsx, through the one ledger writer, audited:

- 物资台账 (stock movements ledger): every movement of the period, out of or into the
  community's holders;
- 物资库存表 (stock sheet): each holder's balances with their reorder levels and days of
  cover;
- 捐赠登记 (donations register): each donation received: date, donor, item, quantity,
  batch, the holder that received it.

A household shows as its door label (building, unit, door), never a resident's name."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.downloads import Download
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger
from shoumen.places.models import OrgUnit
from shoumen.supplies import selectors as sel
from shoumen.supplies.models import Holder, Movement

ACTION_LABELS = {"supplies_ledger.export": _("Supplies ledger exported")}

MOVEMENT_HEADERS = (
    _("Time"),
    pgettext_lazy("supplies", "Kind"),
    _("Holder"),
    pgettext_lazy("supplies", "Item"),
    _("Unit"),
    _("Quantity"),
    _("Change"),
    pgettext_lazy("stock transfer", "To"),
    _("Household"),
    _("Source"),
    _("Donor"),
    _("Batch"),
    _("Expires on"),
    _("Note"),
    _("Recorded by"),
)
MOVEMENT_WIDTHS = (17, 8, 14, 16, 6, 10, 10, 14, 18, 10, 18, 12, 12, 24, 10)
STOCK_HEADERS = (
    _("Holder"),
    pgettext_lazy("supplies", "Kind"),
    pgettext_lazy("supplies", "Item"),
    _("Unit"),
    _("Quantity"),
    _("Reorder level"),
    _("Below reorder level"),
    _("Days of cover"),
)
STOCK_WIDTHS = (16, 12, 16, 6, 10, 10, 8, 10)
DONATION_HEADERS = (
    _("Date"),
    _("Donor"),
    pgettext_lazy("supplies", "Item"),
    _("Unit"),
    _("Quantity"),
    _("Batch"),
    _("Expires on"),
    _("Received at"),
)
DONATION_WIDTHS = (12, 24, 16, 6, 10, 12, 12, 16)


def _local(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def movement_cells(m: Movement) -> list:
    return [
        _local(m.recorded_at),
        m.get_kind_display(),
        m.holder.name,
        m.item.name,
        m.item.unit,
        m.quantity,
        m.delta,
        m.to_holder.name if m.to_holder else "",
        m.household.label if m.household else "",
        m.get_source_display() if m.source else "",
        m.donor,
        m.batch,
        m.expires_on,
        m.note,
        str(m.recorded_by) if m.recorded_by else "",
    ]


def _holders(community: OrgUnit):
    return Holder.objects.filter(org_unit__path__startswith=community.path)


def _download(
    *,
    actor,
    community,
    ledger: str,
    title: str,
    ascii_name: str,
    headers,
    rows,
    widths,
    changes=None,
) -> Download:
    content = write_ledger(
        sheet_name=title[:31],
        headers=[str(h) for h in headers],
        rows=rows,
        widths=widths,
        title=title,
    )
    audit_event_record(
        actor=actor,
        action="supplies_ledger.export",
        target=community,
        org_path=community.path,
        changes={"ledger": ledger, "rows": len(rows), "format": "xlsx", **(changes or {})},
    )
    return Download(
        content=content,
        filename=f"{title}.xlsx",
        ascii_filename=f"{ascii_name}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def movements_ledger_export(
    *, actor, community: OrgUnit, start: datetime.date | None, end: datetime.date | None
) -> Download:
    """物资台账 of the period (each end included; open when left out)."""
    require(actor, Perm.MANAGE_SUPPLIES, community)
    rows = [movement_cells(m) for m in sel.movements_in_period(_holders(community), start, end)]
    period = f"{start or ''}–{end or ''}" if start or end else gettext("all")
    title = gettext("Supplies ledger of %(community)s (%(period)s)") % {
        "community": community.name,
        "period": period,
    }
    return _download(
        actor=actor,
        community=community,
        ledger="movements",
        title=title,
        ascii_name=f"supplies-ledger-{community.code}",
        headers=MOVEMENT_HEADERS,
        rows=rows,
        widths=MOVEMENT_WIDTHS,
        changes={"start": str(start) if start else None, "end": str(end) if end else None},
    )


def stock_ledger_export(*, actor, community: OrgUnit) -> Download:
    """物资库存表 as of now."""
    require(actor, Perm.MANAGE_SUPPLIES, community)
    yes, no = gettext("yes"), ""
    rows = [
        [
            r.holder.name,
            r.holder.get_kind_display(),
            r.item.name,
            r.item.unit,
            r.balance.quantity,
            r.balance.reorder_level,
            yes if r.low else no,
            r.cover,
        ]
        for r in sel.stock_rows(_holders(community))
    ]
    title = gettext("Stock of %(community)s (%(date)s)") % {
        "community": community.name,
        "date": today().isoformat(),
    }
    return _download(
        actor=actor,
        community=community,
        ledger="stock",
        title=title,
        ascii_name=f"supplies-stock-{community.code}",
        headers=STOCK_HEADERS,
        rows=rows,
        widths=STOCK_WIDTHS,
    )


def donations_ledger_export(*, actor, community: OrgUnit) -> Download:
    """捐赠登记: every donation the community's holders received."""
    require(actor, Perm.MANAGE_SUPPLIES, community)
    rows = [
        [
            timezone.localdate(m.recorded_at),
            m.donor,
            m.item.name,
            m.item.unit,
            m.quantity,
            m.batch,
            m.expires_on,
            m.holder.name,
        ]
        for m in sel.donations_of(_holders(community))
    ]
    title = gettext("Donations received by %(community)s") % {"community": community.name}
    return _download(
        actor=actor,
        community=community,
        ledger="donations",
        title=title,
        ascii_name=f"supplies-donations-{community.code}",
        headers=DONATION_HEADERS,
        rows=rows,
        widths=DONATION_WIDTHS,
    )
