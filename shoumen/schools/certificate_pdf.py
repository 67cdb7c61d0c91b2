"""The return-to-class certificate (复课证明) as a printable A5 PDF with real text, built with
the one PDF builder (shoumen/lib/pdf.py: Chinese in the CID font STSong-Light, so that no
font file is needed)."""

from django.utils import timezone
from reportlab.lib.pagesizes import A5

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import deny
from shoumen.lib.pdf import PdfDocument
from shoumen.schools.models import Absence, ReturnCertificate


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def certificate_pdf_bytes(certificate: ReturnCertificate, absence: Absence) -> bytes:
    """The certificate as it is printed and signed: school, class, pupil, dates, diagnosis,
    the doctor and the number."""
    diagnosis = absence.disease.name if absence.disease else (absence.diagnosis_note or "—")
    issued = timezone.localtime(certificate.issued_at)
    doc = PdfDocument(title=f"复课证明 {certificate.number}", pagesize=A5, page_numbers=False)
    doc.spacer(6).heading("复课证明").right(f"编号：{certificate.number}", size=9).spacer(4)
    doc.key_values(
        [
            ("学校", str(absence.school)),
            ("班级", str(absence.klass)),
            ("学生姓名", absence.pupil.name),
            ("缺勤日期", f"{_day(absence.first_day)}起"),
            ("发病日期", _day(absence.onset_date)),
            ("诊断", diagnosis),
            ("医院证明", "已查验" if certificate.hospital_certificate_checked else "未查验"),
            ("复课日期", f"{_day(issued.date())}起可复课"),
        ]
    )
    doc.spacer(4).paragraph("经查验医院诊断证明，该生已过隔离期，准予复课。", size=10)
    doc.signature(
        [
            ("校医（疫情报告人）", _person(certificate.issued_by)),
            ("签发日期", _day(issued.date())),
        ],
        size=10,
    )
    return doc.build()


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
