"""Exporting the register of a grid or community: permission and scope checked, every
export audited, ID numbers and phones masked unless the right and a reason are given."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.services import audit_event_record
from shoumen.ledgers import exports
from shoumen.ledgers.selectors import EXPORT_LEVELS, register_persons
from shoumen.lib.dates import today
from shoumen.lib.errors import ERR_NOT_ALLOWED, ERR_OUT_OF_SCOPE, clean_reason, deny
from shoumen.lib.text import clean_line
from shoumen.places.models import OrgUnit

FORMAT_XLSX = "xlsx"
FORMAT_CSV = "csv"
FORMATS = (FORMAT_XLSX, FORMAT_CSV)
CHUNK_SIZE = 2000

ERR_FORMAT = _("Choose Excel (.xlsx) or CSV.")
ERR_EXPORT_LEVEL = _("Registers are exported for a community or a grid.")
REGISTER_FILENAME = _("%(unit)s resident register %(date)s")


@dataclass(frozen=True)
class RegisterExport:
    content: bytes
    filename: str
    content_type: str
    rows: int


def export_allowed(*, actor, org_unit: OrgUnit, unmasked: bool, reason: str = "") -> str:
    """The rules every ledger export follows: the export right over a community or grid,
    and for unmasked ID numbers and phones the sensitive-export right and a reason.
    Returns the cleaned reason for the audit event."""
    if not can(actor, Perm.EXPORT, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    if org_unit.level not in EXPORT_LEVELS:
        raise ValidationError({"org_unit": [ERR_EXPORT_LEVEL]})
    reason = clean_line(reason or "")
    if unmasked:
        if not can(actor, Perm.EXPORT_SENSITIVE, org_unit):
            raise deny(ERR_NOT_ALLOWED)
        reason = clean_reason(reason)
    return reason


@transaction.atomic
def register_export(
    *,
    actor,
    org_unit: OrgUnit,
    fmt: str,
    unmasked: bool = False,
    reason: str = "",
    include_inactive: bool = False,
) -> RegisterExport:
    """Build the register of ``org_unit`` as .xlsx or CSV and record the export."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": [ERR_FORMAT]})
    reason = export_allowed(actor=actor, org_unit=org_unit, unmasked=unmasked, reason=reason)

    day = today()
    persons = register_persons(actor, org_unit, include_inactive=include_inactive)
    rows = exports.CountedRows(
        exports.register_rows(persons.iterator(chunk_size=CHUNK_SIZE), day=day, unmasked=unmasked)
    )
    title = exports.register_title(org_unit.name, day)
    if fmt == FORMAT_XLSX:
        content, content_type = exports.write_xlsx(title, rows), exports.XLSX_CONTENT_TYPE
    else:
        content, content_type = exports.write_csv(title, rows), exports.CSV_CONTENT_TYPE

    audit_event_record(
        actor=actor,
        action="ledger.export",
        target=org_unit,
        org_path=org_unit.path,
        changes={
            "format": fmt,
            "rows": rows.count,
            "masked": not unmasked,
            "include_inactive": include_inactive,
        },
        reason=reason,
    )
    name = REGISTER_FILENAME % {"unit": org_unit.name, "date": day.strftime("%Y%m%d")}
    return RegisterExport(
        content=content, filename=f"{name}.{fmt}", content_type=content_type, rows=rows.count
    )
