"""The distribution ledger (物资发放台账) of a campaign: one row per household given its
share, by grid then time, with the household's address, what it got, when and by whom.
No names or ID numbers: the address says which door."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_paths, scope_q
from shoumen.audit.services import audit_event_record
from shoumen.ledgers.exports import XLSX_CONTENT_TYPE, CountedRows
from shoumen.lib import xlsx
from shoumen.lib.dates import today
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery

LEDGER_TITLE = _("%(campaign)s distribution ledger (%(date)s)")
LEDGER_FILENAME = _("%(campaign)s distribution ledger %(date)s")
SHEET_TITLE = _("Distribution ledger")
YES, NO = _("Yes"), _("No")
CHUNK = 2000


@dataclass(frozen=True)
class LedgerExport:
    content: bytes
    filename: str
    content_type: str
    rows: int


def columns() -> list[tuple[str, int]]:
    return [
        (str(_("No.")), 6),
        (str(_("Grid")), 16),
        (str(_("Address")), 28),
        (str(pgettext_lazy("supplies", "Item")), 14),
        (str(_("Quantity")), 8),
        (str(pgettext_lazy("unit of measure", "Unit")), 6),
        (str(_("Given at")), 17),
        (str(_("Given by")), 12),
        (str(_("At a household visit")), 8),
    ]


def _rows(campaign: Campaign, deliveries) -> Iterator[list[object]]:
    yes, no = str(YES), str(NO)
    for number, d in enumerate(deliveries, start=1):
        yield [
            number,
            d.household.grid.name,
            d.household.label,
            campaign.item.name,
            campaign.quantity,
            campaign.item.unit,
            timezone.localtime(d.delivered_at).strftime("%Y-%m-%d %H:%M"),
            str(d.delivered_by) if d.delivered_by else "",
            yes if d.visit_id else no,
        ]


def may_export(actor, campaign: Campaign) -> bool:
    """Those who export over the campaign's unit, or over part of it (a community's staff
    their part of a street's campaign)."""
    return can(actor, Perm.EXPORT, campaign.scope) or any(
        p.startswith(campaign.scope.path) for p in scope_paths(actor, Perm.EXPORT)
    )


@transaction.atomic
def campaign_ledger_export(*, actor, campaign: Campaign) -> LedgerExport:
    """The campaign's distribution ledger as .xlsx, as far as the actor exports; audited."""
    if not may_export(actor, campaign):
        raise deny(ERR_OUT_OF_SCOPE)
    deliveries = (
        CampaignDelivery.objects.filter(
            scope_q(actor, Perm.EXPORT, "household__grid__path"), campaign=campaign
        )
        .select_related("household__building", "household__grid", "delivered_by")
        .order_by("household__grid__path", "delivered_at", "pk")
    )
    rows = CountedRows(_rows(campaign, deliveries.iterator(chunk_size=CHUNK)))
    day = today()
    cols = columns()
    content = xlsx.write_ledger(
        sheet_name=str(SHEET_TITLE),
        title=str(LEDGER_TITLE % {"campaign": campaign.name, "date": date_format(day)}),
        headers=[label for label, _w in cols],
        widths=[w for _label, w in cols],
        text_columns={2},
        rows=rows,
    )
    audit_event_record(
        actor=actor,
        action="campaign.ledger_export",
        target=campaign,
        org_path=campaign.scope.path,
        changes={"format": "xlsx", "rows": rows.count},
    )
    name = LEDGER_FILENAME % {"campaign": campaign.name, "date": day.strftime("%Y%m%d")}
    return LedgerExport(
        content=content, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE, rows=rows.count
    )
