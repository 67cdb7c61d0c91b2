"""The rest notice (休假通知书) as a printable A5 PDF with real, selectable Chinese text,
built with the one PDF builder (shoumen/lib/pdf.py). An official paper in Chinese, like
the return-to-class certificate."""

from django.utils import timezone
from reportlab.lib.pagesizes import A5

from shoumen.audit.services import audit_event_record
from shoumen.duty.models import RestNotice
from shoumen.duty.rest_services import notice_number
from shoumen.lib.pdf import PdfDocument

TITLE = "休假通知书"


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def rest_notice_pdf_bytes(notice: RestNotice) -> bytes:
    person = notice.person
    community = person.community.name
    issued = timezone.localtime(notice.issued_at).date()
    days = (notice.rest_to - notice.rest_from).days + 1
    doc = PdfDocument(title=f"{TITLE} {person.name}", pagesize=A5, page_numbers=False)
    doc.spacer(6).heading(TITLE).right(f"编号：{notice_number(notice)}", size=9).spacer(4)
    doc.paragraph(f"{person.name}同志：", size=12)
    doc.paragraph(
        f"截至{_day(issued)}，您已在{community}连续值班{notice.days_without_rest}天未休息。"
        "为保障您的身体健康，合理安排调休、轮休，"
        f"请您于{_day(notice.rest_from)}至{_day(notice.rest_to)}休息，共{days}天。"
        "休息期间不再安排您值班，请注意休息、保重身体。",
        size=12,
        indent=True,
    )
    doc.spacer(2).key_values(
        [
            ("姓名", person.name),
            ("社区", community),
            ("连续值班", f"{notice.days_without_rest}天未休息"),
            ("休息日期", f"{_day(notice.rest_from)}至{_day(notice.rest_to)}（共{days}天）"),
        ],
        size=11,
    )
    doc.signature(
        [
            ("签发单位", f"{community}（盖章）"),
            ("签发人", _person(notice.issued_by)),
            ("签发日期", _day(issued)),
        ],
        size=11,
    )
    return doc.build()


def rest_notice_download(*, actor, notice: RestNotice) -> bytes:
    """The notice's PDF for someone who may see it (the rest_notice_for selector); the
    download is audited."""
    content = rest_notice_pdf_bytes(notice)
    audit_event_record(
        actor=actor,
        action="rest_notice.download",
        target=notice,
        org_path=notice.person.community.path,
        changes={"person": notice.person_id, "number": notice_number(notice), "format": "pdf"},
    )
    return content
