"""Class rosters imported through the ledger import: the same upload checks, background
check, preview with per-row errors and confirm; bad rows reported one by one and nothing
written; a clean roster imports through the pupil services."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.ledgers.import_jobs import ERR_SUFFIX
from shoumen.ledgers.importing import ERR_ID_TWICE, REASON_HEADER, LedgerError
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.lib.file_limits import Limits
from shoumen.lib.ids import mask_id_number
from shoumen.places.models import OrgUnit
from shoumen.schools import roster_import, roster_template
from shoumen.schools.models import Guardian, Pupil, SchoolClass
from shoumen.schools.roster_import import (
    ERR_CLASS_COLUMN,
    ERR_CLASS_UNKNOWN,
    ERR_GUARDIAN_NAME,
    ERR_OTHER_SCHOOL,
    grade_of,
)
from tests.ledgers.ledgers import resident_id

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "班级",
    "是否住校",
    "监护人",
    "监护人电话",
]
ID_A = resident_id("20190301", 1, male=True)
ID_B = resident_id("20190512", 2, male=False)
BAD_CHECK = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def roster(rows, *, headers=HEADERS, title="建国门第一小学 一年级花名册") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet["E"]:
        cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CLEAN = [
    [1, "刘一", "男", "2019-03-01", ID_A, "一年级1班", "否", "刘大", "13800001111"],
    [2, "陈二", "女", "2019-05-12", ID_B, "一年级2班", "是", "陈大", "13900002222"],
    [3, "周三", "男", "2019-07-07", "", "一年级1班", "", "", ""],
]


def run(world, data, *, actor=None, dry_run=False, skip=False, options=None, name="花名册.xlsx"):
    return roster_import.roster_import(
        actor=actor or world.school_doctor,
        org_unit=world.school.unit,
        data=data,
        filename=name,
        dry_run=dry_run,
        skip_bad_rows=skip,
        options=options,
    )


def test_a_clean_roster_imports_every_pupil_with_guardian_into_the_named_class(world):
    result = run(world, roster(CLEAN))
    assert result.committed and result.counts == {"new": 3, "updated": 0, "unchanged": 0, "bad": 0}
    liu = Pupil.objects.get(name="刘一")
    assert liu.klass == world.class_a and liu.id_number() == ID_A and not liu.boarding
    chen = Pupil.objects.get(name="陈二")
    assert chen.klass == world.class_b and chen.boarding and chen.sex == "F"
    guardian = Guardian.objects.get(pupil=liu)
    assert guardian.name == "刘大" and guardian.phone().endswith("13800001111")
    assert not Guardian.objects.filter(pupil__name="周三").exists()
    assert AuditEvent.objects.filter(action="pupil.create").count() == 3
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_the_same_roster_again_is_all_unchanged_and_writes_nothing_new(world):
    run(world, roster(CLEAN))
    pupils = Pupil.objects.count()
    again = run(world, roster(CLEAN))
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "bad": 0}
    assert Pupil.objects.count() == pupils and Guardian.objects.count() == 2


def test_a_pupil_moved_to_another_class_in_the_roster_is_updated(world):
    run(world, roster(CLEAN))
    moved = [[*CLEAN[0][:5], "一年级2班", *CLEAN[0][6:]]]
    result = run(world, roster(moved))
    assert result.counts["updated"] == 1
    assert Pupil.objects.get(name="刘一").klass == world.class_b


def test_a_roster_with_bad_rows_reports_each_row_and_writes_nothing(world):
    rows = [
        [1, "刘一", "男", "", BAD_CHECK, "一年级1班", "", "", ""],
        [2, "陈二", "女", "", ID_B, "三年级9班", "", "", ""],
        [3, "周三", "女", "", ID_B, "一年级1班", "", "", ""],
        [4, "吴四", "男", "2019-01-01", "", "一年级1班", "", "", "13700003333"],
        [5, "郑五", "男", "2019-01-01", "", "一年级1班", "", "", ""],
    ]
    before = (Pupil.objects.count(), Guardian.objects.count(), AuditEvent.objects.count())
    result = run(world, roster(rows))
    assert not result.committed
    assert result.counts == {"new": 1, "updated": 0, "unchanged": 0, "bad": 4}
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append((error.column, error.reason))
    # The title row is row 1 and the header row 2: the first pupil is on row 3.
    assert by_row[3][0][0] == "身份证号"
    assert mask_id_number(BAD_CHECK) in {e.value for e in result.errors if e.row == 3}
    assert (
        "班级",
        str(ERR_CLASS_UNKNOWN % {"school": "建国门第一小学", "value": "三年级9班"}),
    ) in by_row[4]
    twice = str(ERR_ID_TWICE % {"rows": "4, 5"})
    assert ("身份证号", twice) in by_row[4] and ("身份证号", twice) in by_row[5]
    assert by_row[6] == [("监护人", str(ERR_GUARDIAN_NAME))]
    assert 7 not in by_row
    assert (Pupil.objects.count(), Guardian.objects.count(), AuditEvent.objects.count()) == before
    report = load_workbook(io.BytesIO(result.error_report)).active
    assert [c.value for c in report[1]][-1] == str(REASON_HEADER)
    assert report.max_row == 5  # the header and the four bad rows


def test_bad_rows_skipped_on_purpose_import_the_good_ones(world):
    rows = [CLEAN[0], [2, "陈二", "女", "", ID_B, "三年级9班", "", "", ""]]
    result = run(world, roster(rows), skip=True)
    assert result.committed and result.counts["new"] == 1 and result.counts["bad"] == 1
    assert list(Pupil.objects.filter(name__in=["刘一", "陈二"]).values_list("name", flat=True)) == [
        "刘一"
    ]


def test_a_pupil_on_another_schools_roll_is_a_bad_row(world):
    run(world, roster(CLEAN[:1]))
    other = world.school_class("K3")
    Pupil.objects.filter(name="刘一").update(school=other.school, klass=other)
    result = run(world, roster(CLEAN[:1]))
    assert result.counts["bad"] == 1
    assert result.errors[0].reason == str(ERR_OTHER_SCHOOL % {"school": "和平中学"})


def test_unknown_classes_are_refused_by_default_and_created_only_when_asked(world):
    rows = [[1, "刘一", "男", "", ID_A, "二年级3班", "", "", ""]]
    assert run(world, roster(rows)).counts["bad"] == 1
    result = run(world, roster(rows), options={"create_classes": True})
    assert result.committed and result.new_buildings == {"建国门第一小学": ["二年级3班"]}
    klass = SchoolClass.objects.get(unit__name="二年级3班")
    assert klass.school == world.school and klass.grade == 2
    assert Pupil.objects.get(name="刘一").klass == klass


@pytest.mark.parametrize(
    ("name", "grade"),
    [("一年级1班", 1), ("3年级2班", 3), ("初一1班", 7), ("高三2班", 12), ("火箭班", None)],
)
def test_the_grade_of_a_class_name(name, grade):
    assert grade_of(name) == grade


def test_a_roster_without_a_class_column_is_refused_as_a_file(world):
    with pytest.raises(LedgerError) as caught:
        run(world, roster([["刘一", "男"]], headers=["姓名", "性别"]), dry_run=True)
    assert caught.value.message == ERR_CLASS_COLUMN


def test_a_csv_roster_in_gbk_imports(world):
    text = "姓名,性别,身份证号,班级\r\n刘一,男," + ID_A + ",一年级1班\r\n"
    result = run(world, text.encode("gbk"), name="花名册.csv")
    assert result.committed and Pupil.objects.filter(name="刘一").exists()


def test_a_class_teacher_may_not_import_a_roster(world):
    with pytest.raises(PermissionDenied):
        run(world, roster(CLEAN), actor=world.teacher)


# ---------------------------------------------------------------- the pages


def upload(client, world, data, *, name="花名册.xlsx"):
    return client.post(
        reverse("schools:roster_import", args=[world.school.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_the_health_officer_uploads_sees_the_preview_and_confirms(world, login):
    client = login(world.school_doctor)
    job = job_of(upload(client, world, roster(CLEAN)))
    assert job.kind == "class_roster" and job.status == ImportStatus.CHECKED
    assert job.counts["new"] == 3 and not Pupil.objects.filter(name="刘一").exists()
    page = client.get(reverse("ledgers:import_job", args=[job.pk]))
    assert page.status_code == 200
    assert reverse("schools:roster_import", args=[world.school.pk]) in page.content.decode()
    response = client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Pupil.objects.filter(name="刘一").exists()


def test_the_roster_mapping_offers_the_roster_fields(world, login):
    client = login(world.school_doctor)
    job = job_of(upload(client, world, roster(CLEAN)))
    assert job.mapping["班级"] == "class_name" and job.mapping["监护人电话"] == "guardian_phone"
    response = client.post(
        reverse("ledgers:import_mapping", args=[job.pk]),
        {f"col_{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)},
    )
    assert response.status_code == 302


def test_a_hostile_file_is_refused_at_upload_and_nothing_is_kept(world, login, settings):
    client = login(world.school_doctor)
    response = upload(client, world, b"MZ\x90\x00 not a roster", name="roster.exe")
    assert response.status_code == 400 and str(ERR_SUFFIX) in response.content.decode()
    wide = ("," * (Limits.current().max_columns + 5) + "\r\n").encode()
    response = upload(client, world, "姓名,班级\r\n".encode() + wide, name="花名册.csv")
    assert response.status_code == 400
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", "0" * (Limits.current().max_uncompressed_bytes + 1)
        )
    response = upload(client, world, bomb.getvalue())
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_another_schools_roster_import_is_not_found(world, login):
    client = login(world.school_doctor)
    url = reverse("schools:roster_import", args=[world.other_school.pk])
    assert client.get(url).status_code == 404


def test_the_roster_template_has_the_roster_headers_and_a_text_id_column(world, login):
    client = login(world.principal)
    response = client.get(reverse("schools:roster_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["班级花名册"]
    assert [c.value for c in sheet[1]] == roster_template.TEMPLATE_HEADERS
    assert sheet["E2"].number_format == "@"


def test_unknown_units_stay_untouched_when_classes_are_refused(world):
    units = OrgUnit.objects.count()
    run(world, roster([[1, "刘一", "男", "", ID_A, "二年级3班", "", "", ""]]))
    assert OrgUnit.objects.count() == units


def test_a_bad_roster_on_the_pages_lists_its_rows_and_confirming_writes_nothing(world, login):
    client = login(world.principal)
    rows = [CLEAN[0], [2, "陈二", "女", "", BAD_CHECK, "一年级1班", "", "", ""]]
    job = job_of(upload(client, world, roster(rows)))
    assert job.counts == {"new": 1, "updated": 0, "unchanged": 0, "bad": 1}
    page = client.get(reverse("ledgers:import_job", args=[job.pk])).content.decode()
    assert mask_id_number(BAD_CHECK) in page and BAD_CHECK not in page
    response = client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED and not Pupil.objects.filter(name="刘一").exists()
    report = client.get(reverse("ledgers:import_errors", args=[job.pk]))
    assert report.status_code == 200
    response = client.post(
        reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1", "skip_bad_rows": "on"}
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Pupil.objects.filter(name="刘一").exists()
    assert not Pupil.objects.filter(name="陈二").exists()
