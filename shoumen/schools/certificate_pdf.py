"""The return-to-class certificate (复课证明) as a printable A5 PDF with real text: Chinese in
ReportLab's CID font STSong-Light, so that no font file is needed."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import deny
from shoumen.schools.models import Absence, ReturnCertificate

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def certificate_pdf_bytes(certificate: ReturnCertificate, absence: Absence) -> bytes:
    """The certificate as it is printed and signed: school, class, pupil, dates, diagnosis,
    the doctor and the number."""
    font = _font()
    buffer = io.BytesIO()
    width, height = A5
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"复课证明 {certificate.number}")
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, "复课证明")
    pdf.setFont(font, 9)
    pdf.drawRightString(width - 15 * mm, height - 33 * mm, f"编号：{certificate.number}")
    diagnosis = absence.disease.name if absence.disease else (absence.diagnosis_note or "—")
    issued = timezone.localtime(certificate.issued_at)
    lines = [
        ("学校", str(absence.school)),
        ("班级", str(absence.klass)),
        ("学生姓名", absence.pupil.name),
        ("缺勤日期", f"{_day(absence.first_day)}起"),
        ("发病日期", _day(absence.onset_date)),
        ("诊断", diagnosis),
        ("医院证明", "已查验" if certificate.hospital_certificate_checked else "未查验"),
        ("复课日期", f"{_day(issued.date())}起可复课"),
    ]
    pdf.setFont(font, 12)
    y = height - 48 * mm
    for label, value in lines:
        pdf.drawString(18 * mm, y, f"{label}：")
        pdf.drawString(45 * mm, y, value)
        y -= 10 * mm
    pdf.setFont(font, 10)
    y -= 4 * mm
    pdf.drawString(18 * mm, y, "经查验医院诊断证明，该生已过隔离期，准予复课。")
    y -= 16 * mm
    pdf.drawString(18 * mm, y, f"校医（疫情报告人）：{_person(certificate.issued_by)}")
    y -= 8 * mm
    pdf.drawString(18 * mm, y, f"签发日期：{_day(issued.date())}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_export(*, actor, certificate: ReturnCertificate, absence: Absence) -> bytes:
    """The PDF for those who work with the pupil (the doctor, the class teacher); audited as
    an export, since it carries the pupil's name and diagnosis."""
    path = absence.klass.unit.path
    if not (
        covers(actor, Perm.FOLLOW_UP_ABSENCES, path)
        or covers(actor, Perm.RECORD_CLASS_CHECKS, path)
    ):
        raise deny()
    content = certificate_pdf_bytes(certificate, absence)
    audit_event_record(
        actor=actor,
        action="return_certificate.export",
        target=absence,
        org_path=path,
        changes={"pupil": absence.pupil_id, "number": certificate.number, "format": "pdf"},
    )
    return content
