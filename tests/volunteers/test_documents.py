"""A volunteer's certificate of service (志愿服务证明) is a real PDF with the name and the
hours in selectable text; the community's volunteer register (志愿者登记表) is a real .xlsx
with phones masked. Both are audited."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from shoumen.audit.models import AuditEvent
from shoumen.services.volunteer_documents import LEDGER_HEADERS
from tests.volunteers.helpers import PHONE, day_shift, register, service, sign_up, stand

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")


@time_machine.travel("2026-03-04 09:00 +0800")
def test_the_certificate_is_a_pdf_with_the_name_and_the_hours(world, login):
    v = register(world, name="李红", teams=["party"], is_party_member=True)
    stand(v, day_shift(world), [MONDAY])
    service(world, v)
    response = login(world.community_staff).get(reverse("volunteers:certificate", args=[v.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "志愿服务证明" in text
    assert "李红" in text
    assert "共计9小时" in text
    assert "中共党员" in text
    assert AuditEvent.objects.filter(action="volunteer_certificate.download").count() == 1


def test_a_pending_sign_up_has_no_certificate(world, login):
    v = sign_up(world)
    client = login(world.community_staff)
    assert client.get(reverse("volunteers:certificate", args=[v.pk])).status_code == 404


@time_machine.travel("2026-03-04 09:00 +0800")
def test_the_register_lists_approved_volunteers_with_masked_phones_and_hours(world, login):
    a = register(world, name="李红", phone=PHONE, teams=["party", "medical"], is_party_member=True)
    register(world, name="王芳", phone="13600001111")
    sign_up(world, name="等待者", phone="13700002222")
    stand(a, day_shift(world), [MONDAY])
    service(world, a)
    response = login(world.community_staff).get(
        reverse("volunteers:ledger", args=[world.community.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == str(LEDGER_HEADERS[0]))
    body = rows[header_at + 1 :]
    assert [r[0] for r in body] == ["李红", "王芳"]
    li = body[0]
    assert li[1] == "139****5678"
    assert PHONE not in str(rows)
    assert "党员先锋队" in li[2] or "Party vanguard team" in li[2]
    assert (li[4], li[5], Decimal(str(li[6]))) == (1, 1, Decimal(9))
    assert AuditEvent.objects.filter(action="volunteer_ledger.export").count() == 1
