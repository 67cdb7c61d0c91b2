"""The school ledgers: each one's columns, what each role sees (full or masked names, ID
numbers masked unless unmasked with a reason), the audit of every export, the refusals,
and a fixed number of queries however large the school."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.lib import crypto
from shoumen.lib.errors import ERR_REASON_REQUIRED
from shoumen.lib.ids import mask_id_number
from shoumen.schools import reports
from shoumen.schools.models import (
    PUPIL_ID_CONTEXT,
    Absence,
    AbsenceFollowUp,
    ClassCheck,
    Disease,
    EpidemicReport,
    EpidemicReportAck,
    Finding,
    Pupil,
    Receiver,
    ReturnCertificate,
)
from tests.ledgers.ledgers import resident_id

NOW = datetime.datetime(2026, 11, 18, 11, 0, tzinfo=datetime.UTC)  # Wednesday, 19:00 Beijing
DAY = datetime.date(2026, 11, 18)
ID_MING = resident_id("20190301", 3, male=True)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def check(world, code, day, session="morning", *, findings=(), by=None):
    klass = world.school_class(code)
    enrolled = klass.pupils.count()
    sick = sum(1 for f in findings if f[1] == "sick")
    personal = sum(1 for f in findings if f[1] == "personal")
    record = ClassCheck.objects.create(
        client_uuid=uuid.uuid4(),
        klass=klass,
        school=klass.school,
        date=day,
        session=session,
        enrolled=enrolled,
        present=enrolled - sick - personal,
        sick_absent=sick,
        personal_absent=personal,
        symptomatic=sum(1 for f in findings if f[1] == "symptomatic"),
        submitted_by=by or world.teacher,
        submitted_at=at(day),
    )
    for name, kind, symptoms, *rest in findings:
        Finding.objects.create(
            check_record=record,
            pupil=world.pupil(name),
            klass=klass,
            school=klass.school,
            date=day,
            kind=kind,
            symptoms=symptoms,
            temperature=rest[0] if rest else None,
        )
    return record


@pytest.fixture
def checks(world):
    Pupil.objects.filter(name="张小明").update(
        id_number_encrypted=crypto.encrypt(ID_MING, context=PUPIL_ID_CONTEXT)
    )
    check(
        world,
        "K1",
        DAY - datetime.timedelta(days=2),
        findings=[("王小刚", "symptomatic", ["cough"])],
    )
    check(
        world,
        "K1",
        DAY,
        findings=[("张小明", "sick", ["fever", "cough"]), ("李小红", "personal", [])],
    )
    check(
        world, "K1", DAY, "noon", findings=[("王小刚", "symptomatic", ["fever"], Decimal("38.2"))]
    )
    check(world, "K2", DAY, by=world.other_teacher)


def sheet_of(export):
    book = load_workbook(io.BytesIO(export.content))
    return book.worksheets[0]


def rows_of(sheet):
    """The data rows (below the title and the header) as dicts by header."""
    headers = [c.value for c in sheet[2]]
    return [
        dict(zip(headers, [c.value for c in row], strict=False))
        for row in sheet.iter_rows(min_row=3)
    ]


def export(world, kind, actor=None, **kwargs):
    return reports.school_ledger_export(
        actor=actor or world.school_doctor,
        kind=kind,
        school=world.school,
        start=kwargs.pop("start", DAY),
        end=kwargs.pop("end", DAY),
        **kwargs,
    )


def test_the_check_ledger_lists_absent_and_symptomatic_pupils_with_the_class_summary(world, checks):
    ledger = export(world, reports.KIND_CHECKS)
    sheet = sheet_of(ledger)
    assert sheet.title == "晨午检登记表"
    assert [c.value for c in sheet[2]] == reports.CHECK_HEADERS
    rows = rows_of(sheet)
    assert [(r["班级"], r["时段"], r["姓名"]) for r in rows] == [
        ("一年级1班", "晨检", "张小明"),
        ("一年级1班", "晨检", "李小红"),
        ("一年级1班", "午检", "王小刚"),
        ("一年级2班", "晨检", None),
    ]
    ming = rows[0]
    assert (ming["班级人数"], ming["出勤人数"], ming["因病缺勤人数"], ming["事假人数"]) == (
        3,
        1,
        1,
        1,
    )
    assert ming["情况"] == "因病缺勤" and ming["症状"] == "发热、咳嗽"
    assert ming["身份证号"] == mask_id_number(ID_MING) and ming["年龄"] == 7
    # Per pupil per day: fever twice (张小明 morning, 王小刚 noon), cough once today; over three
    # days 王小刚's cough two days ago counts too.
    assert ming["当日症状人数"] == "发热2、咳嗽1"
    assert ming["近3日症状人数"] == "发热2、咳嗽2"
    assert rows[2]["体温(℃)"] == 38.2 and rows[2]["情况"] == "带症状到校"
    assert rows[3]["班级人数"] == 1 and rows[3]["填报人"] == str(world.other_teacher)
    assert ledger.rows == 4 and ledger.filename == "建国门第一小学晨午检登记表20261118.xlsx"


def test_district_roles_see_masked_names_and_the_school_sees_full_ones(world, checks):
    officer = rows_of(sheet_of(export(world, reports.KIND_CHECKS, world.education_officer)))
    assert officer[0]["姓名"] == "张**" and officer[0]["身份证号"] == mask_id_number(ID_MING)
    principal = rows_of(sheet_of(export(world, reports.KIND_CHECKS, world.principal)))
    assert principal[0]["姓名"] == "张小明"


def test_full_id_numbers_need_the_sensitive_right_and_a_reason(world, checks):
    with pytest.raises(PermissionDenied):
        export(world, reports.KIND_CHECKS, unmasked=True, reason="疫情调查")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        export(world, reports.KIND_CHECKS, world.admin_user, unmasked=True)
    assert caught.value.message_dict["reason"] == [str(ERR_REASON_REQUIRED)]
    assert AuditEvent.objects.count() == events
    ledger = export(world, reports.KIND_CHECKS, world.admin_user, unmasked=True, reason="疫情调查")
    assert rows_of(sheet_of(ledger))[0]["身份证号"] == ID_MING
    event = AuditEvent.objects.filter(action="school.ledger.export").latest("pk")
    assert event.reason == "疫情调查" and event.changes["masked"] is False


def test_every_export_is_audited_with_its_ledger_days_and_rows(world, checks):
    export(world, reports.KIND_CHECKS, start=DAY - datetime.timedelta(days=6))
    event = AuditEvent.objects.get(action="school.ledger.export")
    assert event.changes == {
        "ledger": "checks",
        "from": "2026-11-12",
        "to": "2026-11-18",
        "rows": 5,
        "masked": True,
        "full_names": True,
    }
    assert event.org_path == world.school.unit.path


def test_who_may_not_export_is_refused_and_nothing_is_written(world, checks):
    for persona in ("teacher", "district_officer", "outsider", "grid_worker"):
        with pytest.raises(PermissionDenied):
            export(world, reports.KIND_CHECKS, getattr(world, persona))
    with pytest.raises(PermissionDenied):
        reports.school_ledger_export(
            actor=world.school_doctor, kind="checks", school=world.other_school, start=DAY, end=DAY
        )
    assert not AuditEvent.objects.filter(action="school.ledger.export").exists()


def test_the_days_are_checked(world):
    with pytest.raises(ValidationError):
        export(world, reports.KIND_CHECKS, start=DAY, end=DAY - datetime.timedelta(days=1))
    last = DAY + datetime.timedelta(days=reports.MAX_DAYS - 1)
    export(world, reports.KIND_CHECKS, end=last)
    with pytest.raises(ValidationError):
        export(world, reports.KIND_CHECKS, end=last + datetime.timedelta(days=1))


def test_the_check_ledger_reads_a_fixed_number_of_queries(
    world, checks, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as small:
        export(world, reports.KIND_CHECKS)
    for offset in range(3, 10):
        day = DAY - datetime.timedelta(days=offset)
        check(
            world,
            "K1",
            day,
            findings=[("张小明", "sick", ["fever"]), ("李小红", "symptomatic", ["rash"])],
        )
        check(world, "K2", day, findings=[("赵小丽", "symptomatic", ["cough"])])
    with django_assert_max_num_queries(len(small.captured_queries)):
        export(world, reports.KIND_CHECKS, start=DAY - datetime.timedelta(days=9))


@pytest.fixture
def absence(world, checks):
    varicella = Disease.objects.get_or_create(
        code="varicella", defaults={"name": "水痘", "category": "B"}
    )[0]
    record = Absence.objects.create(
        pupil=world.pupil("张小明"),
        klass=world.class_a,
        school=world.school,
        first_day=DAY - datetime.timedelta(days=3),
        symptoms=["fever", "rash"],
        onset_date=DAY - datetime.timedelta(days=4),
        saw_doctor=True,
        disease=varicella,
        status="awaiting_return",
    )
    for offset, course in ((2, "same"), (1, "better")):
        AbsenceFollowUp.objects.create(
            absence=record,
            date=DAY - datetime.timedelta(days=offset),
            reached=True,
            course=course,
            disease=varicella if offset == 1 else None,
            note="家长电话",
            recorded_by=world.school_doctor,
            recorded_at=at(DAY - datetime.timedelta(days=offset), 9),
        )
    return record


def test_the_absence_ledger_has_each_follow_up(world, absence):
    Absence.objects.create(
        pupil=world.pupil("赵小丽"),
        klass=world.class_b,
        school=world.school,
        first_day=DAY - datetime.timedelta(days=30),
        status="returned",
        returned_on=DAY - datetime.timedelta(days=25),
    )
    sheet = sheet_of(export(world, reports.KIND_ABSENCES, start=DAY - datetime.timedelta(days=7)))
    assert [c.value for c in sheet[2]] == reports.ABSENCE_HEADERS
    rows = rows_of(sheet)
    assert [(r["姓名"], r["病情转归"], r["随访诊断"]) for r in rows] == [
        ("张小明", "无变化", None),
        ("张小明", "好转", "水痘"),
    ]
    assert rows[0]["诊断"] == "水痘" and rows[0]["症状"] == "发热、皮疹"
    assert rows[0]["状态"] == "待复课" and rows[0]["联系上家长"] == "是"


def test_the_certificate_ledger_says_who_issued_and_admitted_when(world, absence):
    ReturnCertificate.objects.create(
        absence=absence,
        number="FK-2026-0001",
        hospital_certificate_checked=True,
        issued_by=world.school_doctor,
        issued_at=at(DAY, 8),
        admitted_by=world.teacher,
        admitted_at=at(DAY, 9),
    )
    sheet = sheet_of(export(world, reports.KIND_CERTIFICATES, world.cdc_officer))
    assert [c.value for c in sheet[2]] == reports.CERTIFICATE_HEADERS
    (row,) = rows_of(sheet)
    assert row["证明编号"] == "FK-2026-0001" and row["姓名"] == "张**"
    assert row["开具人"] == str(world.school_doctor) and row["开具时间"] == "2026-11-18 08:00"
    assert row["复课确认人"] == str(world.teacher) and row["复课确认时间"] == "2026-11-18 09:00"


def test_the_epidemic_report_ledger_has_both_acknowledgements(world):
    report = EpidemicReport.objects.create(
        school=world.school,
        cause="school_ili",
        content={
            "cause": "school_ili",
            "disease": "",
            "count": 3,
            "cases": [{"name": "张*", "class": "一年级1班"}] * 3,
            "by_class": {"一年级1班": 2, "一年级2班": 1},
        },
        actions=["observation_room", "guardians_notified"],
        sent_by=world.school_doctor,
        sent_at=at(DAY, 10),
        due_at=at(DAY, 11),
    )
    EpidemicReportAck.objects.create(
        report=report,
        receiver=Receiver.CDC,
        acknowledged_by=world.cdc_officer,
        acknowledged_at=at(DAY, 12),
    )
    sheet = sheet_of(export(world, reports.KIND_EPIDEMIC_REPORTS, world.education_officer))
    assert [c.value for c in sheet[2]] == reports.EPIDEMIC_HEADERS
    (row,) = rows_of(sheet)
    assert row["报告原因"] == "流感样病例聚集" and row["病例数"] == 3
    assert row["涉及班级"] == "一年级1班(2)、一年级2班(1)" and row["是否按时"] == "是"
    assert row["疾控中心确认人"] == str(world.cdc_officer) and row["教育局确认人"] is None
    assert row["采取措施"] == "送观察室、已通知家长"
    assert row["报告时间"] == "2026-11-18 10:00" and row["报告时限"] == "2026-11-18 11:00"


def test_a_report_sent_after_its_due_time_is_not_on_time(world):
    EpidemicReport.objects.create(
        school=world.school,
        cause="school_notifiable_case",
        content={"disease": "水痘", "count": 1},
        sent_by=world.school_doctor,
        sent_at=at(DAY, 11) + datetime.timedelta(minutes=1),
        due_at=at(DAY, 11),
    )
    (row,) = rows_of(sheet_of(export(world, reports.KIND_EPIDEMIC_REPORTS)))
    assert row["是否按时"] == "否" and row["疾病"] == "水痘" and row["报告原因"] == "法定传染病病例"


def test_no_cell_of_a_ledger_is_a_formula(world, checks):
    Pupil.objects.filter(name="张小明").update(name='=HYPERLINK("x")')
    sheet = sheet_of(export(world, reports.KIND_CHECKS))
    cell = sheet["J3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# ---------------------------------------------------------------- the page


def test_the_ledger_page_downloads_the_chosen_ledger(world, login, checks):
    client = login(world.school_doctor)
    url = reverse("schools:ledger", args=["checks"])
    page = client.get(url, {"school": world.school.pk, "date": DAY.isoformat()})
    assert page.status_code == 200 and "因病缺勤登记追踪表" in page.content.decode()
    response = client.post(url, {"school": world.school.pk, "start": DAY, "end": DAY})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]


def test_the_ledger_page_refuses_another_school_and_unknown_ledgers(world, login):
    client = login(world.school_doctor)
    url = reverse("schools:ledger", args=["checks"])
    response = client.post(url, {"school": world.other_school.pk, "start": DAY, "end": DAY})
    assert response.status_code == 400
    assert client.get(reverse("schools:ledger", args=["payroll"])).status_code == 404
    assert login(world.teacher).get(url).status_code == 403


def test_the_absence_ledger_reads_a_fixed_number_of_queries(
    world, absence, django_assert_max_num_queries
):
    start = DAY - datetime.timedelta(days=40)
    with django_assert_max_num_queries(12) as small:
        export(world, reports.KIND_ABSENCES, start=start)
    for offset, name in ((20, "李小红"), (30, "王小刚")):
        earlier = Absence.objects.create(
            pupil=world.pupil(name),
            klass=world.class_a,
            school=world.school,
            first_day=DAY - datetime.timedelta(days=offset),
            status="returned",
            returned_on=DAY - datetime.timedelta(days=offset - 3),
        )
        AbsenceFollowUp.objects.create(
            absence=earlier,
            date=earlier.first_day,
            recorded_by=world.school_doctor,
            recorded_at=at(earlier.first_day, 9),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        ledger = export(world, reports.KIND_ABSENCES, start=start)
    assert ledger.rows == 4
