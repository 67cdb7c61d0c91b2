"""老年人健康管理登记: a year's elderly checks under the actor's reach as .xlsx, through the
one ledger writer, audited; ID numbers masked, age shown instead of the birth date."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere, scope_q
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.elderly_rules import FINDINGS
from shoumen.healthcentre.elderly_selectors import elderly_checks
from shoumen.healthcentre.models import ElderlyCheck, ElderlyCheckStatus
from shoumen.lib.downloads import Download
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger

HEADERS = (
    _("No."),
    _("Name"),
    _("Sex"),
    _("Age"),
    _("ID number"),
    _("Grid"),
    _("Status"),
    _("Booked for"),
    _("Done on"),
    _("Self-care score"),
    _("Self-care"),
    _("Abnormal findings"),
    pgettext_lazy("health centre", "Result"),
    _("Advice"),
    _("Recorded by"),
)
WIDTHS = (6, 10, 5, 5, 20, 14, 8, 12, 12, 8, 16, 30, 16, 30, 10)
LABELS = dict(FINDINGS)
ACTION_LABELS = {"elderly_ledger.export": _("Elderly health management register exported")}


def ledger_checks(actor, year: int) -> QuerySet[ElderlyCheck]:
    return (
        elderly_checks(actor)
        .filter(scope_q(actor, Perm.EXPORT_HEALTH_LEDGERS, "grid__path"), year=year)
        .exclude(status=ElderlyCheckStatus.CANCELLED)
        .select_related("person", "grid", "recorded_by")
        .order_by("grid__path", "person__name", "pk")
    )


def _row(check: ElderlyCheck) -> list:
    person = check.person
    abnormal = [str(LABELS[k]) for k, v in check.findings.items() if v.get("abnormal")]
    return [
        check.pk,
        person.name,
        person.get_sex_display(),
        person.age_on(check.done_on or timezone.localdate()) or "",
        person.id_number_masked,
        check.grid.name,
        check.get_status_display(),
        check.booked_for.isoformat() if check.booked_for else "",
        check.done_on.isoformat() if check.done_on else "",
        "" if check.self_care_score is None else check.self_care_score,
        check.get_self_care_display(),
        "、".join(abnormal),
        check.get_result_display(),
        check.advice,
        str(check.recorded_by) if check.recorded_by else "",
    ]


def elderly_ledger_export(*, actor, year: int) -> Download:
    require_somewhere(actor, Perm.EXPORT_HEALTH_LEDGERS)
    rows = [_row(c) for c in ledger_checks(actor, year)]
    title = gettext("Elderly health management register, %(year)s") % {"year": year}
    content = write_ledger(
        sheet_name=str(year),
        headers=[str(h) for h in HEADERS],
        rows=rows,
        widths=WIDTHS,
        title=title,
        text_columns=(4,),
    )
    audit_event_record(
        actor=actor,
        action="elderly_ledger.export",
        changes={"year": year, "rows": len(rows), "format": "xlsx"},
    )
    return Download(
        content=content,
        filename=f"{title}.xlsx",
        ascii_filename=f"elderly-checks-{year}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
