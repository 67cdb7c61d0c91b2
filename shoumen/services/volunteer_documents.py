"""The volunteer registry's documents: a volunteer's certificate of service (志愿服务证明),
an A5 PDF with real, selectable Chinese text built with the one PDF builder, and the
community's volunteer register (志愿者登记表) as .xlsx through the one ledger writer. Both
are audited; phones appear masked only."""

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A5

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.downloads import Download
from shoumen.lib.pdf import PdfDocument
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Volunteer, VolunteerStatus
from shoumen.services.volunteer_selectors import VolunteerHours, volunteer_hours, volunteers_hours

CERTIFICATE_TITLE = "志愿服务证明"

LEDGER_HEADERS = (
    _("Name"),
    _("Mobile phone"),
    _("Teams"),
    _("Party member"),
    _("Duty shifts"),
    pgettext_lazy("volunteer record", "Services"),
    pgettext_lazy("volunteer hours", "Hours"),
)
LEDGER_WIDTHS = (14, 16, 30, 10, 10, 10, 10)


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def certificate_pdf_bytes(volunteer: Volunteer, hours: VolunteerHours) -> bytes:
    community = volunteer.community.name
    issued = timezone.localtime().date()
    since = timezone.localtime(volunteer.created_at).date()
    with translation.override("zh-hans"):  # an official paper in Chinese
        teams = "、".join(volunteer.team_labels())
    title = f"{CERTIFICATE_TITLE} {volunteer.name}"
    doc = PdfDocument(title=title, pagesize=A5, page_numbers=False)
    doc.spacer(6).heading(CERTIFICATE_TITLE).spacer(4)
    doc.paragraph(
        f"兹证明{volunteer.name}同志自{_day(since)}起在{community}参加疫情防控志愿服务，"
        f"截至{_day(issued)}，累计值班{hours.shifts}班次、完成居民服务{hours.services}次，"
        f"志愿服务时长共计{_hours(hours.total)}小时。",
        size=12,
        indent=True,
    )
    doc.paragraph("特此证明。", size=12, indent=True).spacer(2)
    pairs = [
        ("姓名", volunteer.name),
        ("社区", community),
    ]
    if teams:
        pairs.append(("所在队伍", teams))
    if volunteer.is_party_member:
        pairs.append(("政治面貌", "中共党员"))
    pairs += [
        ("值班时长", f"{_hours(hours.duty)}小时（{hours.shifts}班次）"),
        ("服务时长", f"{_hours(hours.service_hours)}小时（{hours.services}次）"),
        ("合计", f"{_hours(hours.total)}小时"),
    ]
    doc.key_values(pairs, size=11)
    doc.signature([("出具单位", f"{community}（盖章）"), ("出具日期", _day(issued))], size=11)
    return doc.build()


def certificate_download(*, actor, volunteer: Volunteer) -> bytes:
    """The certificate for someone who may see the volunteer (a scoped selector, or the
    volunteer themselves); audited."""
    hours = volunteer_hours(volunteer)
    content = certificate_pdf_bytes(volunteer, hours)
    audit_event_record(
        actor=actor,
        action="volunteer_certificate.download",
        target=volunteer,
        org_path=volunteer.community.path,
        changes={"hours": str(hours.total), "format": "pdf"},
    )
    return content


def ledger_rows(community: OrgUnit) -> list[list]:
    """The approved volunteers of ``community`` by name, with their hours up to now."""
    volunteers = list(
        Volunteer.objects.filter(community=community, status=VolunteerStatus.APPROVED).order_by(
            "name", "pk"
        )
    )
    record = volunteers_hours([v.pk for v in volunteers])
    yes, no = gettext("Yes"), gettext("No")
    rows = []
    for v in volunteers:
        hours = record.of(v)
        rows.append(
            [
                v.name,
                v.phone_masked,
                "、".join(v.team_labels()),
                yes if v.is_party_member else no,
                hours.shifts,
                hours.services,
                hours.total,
            ]
        )
    return rows


def ledger_export(*, actor, community: OrgUnit) -> Download:
    """The community's volunteer register as .xlsx for those who manage its volunteers."""
    require(actor, Perm.MANAGE_VOLUNTEERS, community)
    rows = ledger_rows(community)
    day = timezone.localtime().date()
    title = gettext("Volunteer register of %(community)s") % {"community": community.name}
    content = write_ledger(
        sheet_name=gettext("Volunteers"),
        headers=[str(h) for h in LEDGER_HEADERS],
        rows=rows,
        widths=LEDGER_WIDTHS,
        title=title,
        text_columns=(1,),
    )
    audit_event_record(
        actor=actor,
        action="volunteer_ledger.export",
        target=community,
        org_path=community.path,
        changes={"rows": len(rows), "format": "xlsx"},
    )
    return Download(
        content=content,
        filename=f"{title} {day:%Y-%m-%d}.xlsx",
        ascii_filename=f"volunteers-{day:%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
