"""家庭医生签约登记: the contracts under the actor's reach as .xlsx, through the one ledger
writer, audited. ID numbers are masked; age stands beside them."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.accounts.roles import Perm
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.contract_selectors import contracts_visible_to
from shoumen.healthcentre.models import TeamMember
from shoumen.lib.dates import today
from shoumen.lib.downloads import Download
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger

TITLE = _("Family doctor contract register")
HEADERS = (
    _("No."),
    _("Name"),
    _("Sex"),
    _("Age"),
    _("ID number"),
    _("Grid"),
    pgettext_lazy("health centre", "Team"),
    _("Family doctor"),
    _("Packages"),
    _("Fee (yuan a year)"),
    _("How signed"),
    _("Status"),
    _("Requested"),
    _("Starts"),
    _("Ends"),
)
WIDTHS = (6, 10, 5, 5, 20, 12, 12, 10, 24, 10, 14, 12, 16, 11, 11)


def _doctors(team_ids) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    for m in TeamMember.objects.filter(team_id__in=team_ids, role="doctor").select_related("user"):
        names.setdefault(m.team_id, []).append(str(m.user))
    return {k: "、".join(v) for k, v in names.items()}


def contract_rows(qs) -> list[list]:
    contracts = list(
        qs.select_related("person", "team", "grid").prefetch_related("packages").order_by("pk")
    )
    doctors = _doctors({c.team_id for c in contracts})
    day = today()
    rows = []
    for c in contracts:
        packages: list = sorted(c.packages.all(), key=lambda p: p.code)
        rows.append(
            [
                c.pk,
                c.person.name,
                c.person.get_sex_display(),
                c.person.age_on(day) or "",
                c.person.id_number_masked,
                c.grid.name,
                c.team.name,
                doctors.get(c.team_id, ""),
                "、".join(p.name for p in packages),
                str(sum((p.fee for p in packages), start=0)),
                c.get_source_display(),
                c.get_status_display(),
                timezone.localtime(c.requested_at).strftime("%Y-%m-%d %H:%M"),
                c.starts_on.isoformat() if c.starts_on else "",
                c.ends_on.isoformat() if c.ends_on else "",
            ]
        )
    return rows


def contracts_ledger_export(*, actor) -> Download:
    qs = contracts_visible_to(actor, Perm.EXPORT_HEALTH_LEDGERS).exclude(
        status__in=["cancelled", "declined"]
    )
    rows = contract_rows(qs)
    label = today().isoformat()
    title = str(TITLE)
    content = write_ledger(
        sheet_name=label,
        headers=[str(h) for h in HEADERS],
        rows=rows,
        widths=WIDTHS,
        title=title,
    )
    audit_event_record(
        actor=actor,
        action="contract_ledger.export",
        target=None,
        changes={"rows": len(rows), "format": "xlsx", "day": label},
    )
    return Download(
        content=content,
        filename=f"{title}-{label}.xlsx",
        ascii_filename=f"family-doctor-contracts-{label}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
