"""The import pages: upload → preview (counts, problems, column mapping) → confirm, the
template and the error report downloads, and the background path for large files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.ledgers import import_jobs
from shoumen.ledgers.import_jobs import ERR_SUFFIX
from shoumen.ledgers.importing import (
    ERR_FILE_HEADER,
    ERR_NAME_COLUMN,
    TEMPLATE_HEADERS,
    ledger_import,
)
from shoumen.ledgers.models import ColumnMapping, ImportJob, ImportStatus
from shoumen.lib.file_limits import ERR_FILE_TOO_BIG, size_text
from shoumen.registry.models import Person
from tests.ledgers.ledgers import resident_id, xlsx

ZHANG = resident_id("19800101", 1, male=True)
LI = resident_id("19820202", 2, male=False)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
GOOD_ROWS = [
    [1, "张三", "男", ZHANG, "13800001111", "5号楼", "2", "302", "户主", ""],
    [2, "李四", "女", LI, "", "5号楼", "2", "302", "配偶", ""],
]
BAD_ROW = [3, "王五", "男", BAD, "", "5号楼", "2", "303", "户主", ""]


def upload(client, world, data, *, name="台账.xlsx", unit=None):
    return client.post(
        reverse("ledgers:import_start"),
        {
            "org_unit": (unit or world.grid_a).pk,
            "file": SimpleUploadedFile(name, data),
        },
    )


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_upload_shows_the_preview_with_counts_and_writes_nothing(world, login):
    client = login(world.community_staff)
    before = Person.objects.count()
    job = job_of(upload(client, world, xlsx([*GOOD_ROWS, BAD_ROW])))
    assert job.status == ImportStatus.CHECKED
    assert job.counts == {"new": 2, "updated": 0, "unchanged": 0, "bad": 1}
    page = client.get(reverse("ledgers:import_job", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="count-new">2<' in html
    assert 'data-testid="count-bad">1<' in html
    assert BAD[:6] + "********" + BAD[-4:] in html
    assert BAD not in html
    assert Person.objects.count() == before


def test_confirm_with_a_bad_row_and_no_skip_writes_nothing(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx([*GOOD_ROWS, BAD_ROW])))
    before = Person.objects.count()
    response = client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert Person.objects.count() == before


def test_confirm_with_skip_imports_the_good_rows_and_offers_the_report(world, login):
    client = login(world.grid_worker)
    job = job_of(upload(client, world, xlsx([*GOOD_ROWS, BAD_ROW])))
    client.post(
        reverse("ledgers:import_confirm", args=[job.pk]),
        {"confirm": "1", "skip_bad_rows": "on"},
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.confirmed_by == world.grid_worker
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    report = client.get(reverse("ledgers:import_errors", args=[job.pk]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "王五"


def test_confirm_needs_the_button(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    assert client.post(reverse("ledgers:import_confirm", args=[job.pk]), {}).status_code == 400
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_done_import_cannot_be_confirmed_again(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    again = client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    assert again.status_code == 400
    assert str(import_jobs.ERR_ALREADY_DONE) in again.content.decode()


def test_fixing_the_column_mapping_rechecks_and_is_remembered(world, login):
    client = login(world.community_staff)
    headers = ["序号", "名", "身份证件", "楼栋", "单元", "门牌号"]
    rows = [[1, "张三", ZHANG, "5号楼", "2", "302"]]
    # Only 姓名 is missing: the header row is still found by 序号 + 楼栋 + 单元 + 门牌号; the
    # check says so and offers the columns to map.
    job = job_of(upload(client, world, xlsx(rows, headers=headers)))
    assert job.status == ImportStatus.FAILED
    assert job.message == str(ERR_NAME_COLUMN)
    assert job.headers == headers and job.file_deleted_at is None
    page = client.get(reverse("ledgers:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="mapping-form"' in page
    mapping = {f"col_{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    mapping[f"col_{job.headers.index('名')}"] = "name"
    mapping[f"col_{job.headers.index('身份证件')}"] = "id_number"
    response = client.post(reverse("ledgers:import_mapping", args=[job.pk]), mapping)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping["身份证件"] == "id_number"
    assert job.status == ImportStatus.CHECKED
    assert job.counts["new"] == 1
    assert ColumnMapping.objects.get(community=world.community).mapping["身份证件"] == "id_number"


def test_mapping_two_columns_to_one_field_is_refused(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    mapping = {f"col_{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    mapping["col_0"] = "name"
    response = client.post(reverse("ledgers:import_mapping", args=[job.pk]), mapping)
    assert response.status_code == 400


def test_an_unreadable_upload_is_a_form_error(world, login):
    client = login(world.community_staff)
    response = upload(client, world, b"not a ledger", name="a.pdf")
    assert response.status_code == 400
    assert str(ERR_SUFFIX) in response.content.decode()
    # A file without a header row is found out by the worker reading it.
    job = job_of(upload(client, world, xlsx([[1, 2]], headers=["a", "b"])))
    assert job.status == ImportStatus.FAILED
    page = client.get(reverse("ledgers:import_job", args=[job.pk]))
    assert str(ERR_FILE_HEADER) in page.content.decode()
    assert job.file_deleted_at is not None  # nothing to fix on the page: the file is gone


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(world, login, settings):
    settings.SHOUMEN_IMPORT_MAX_BYTES = 1000
    client = login(world.community_staff)

    response = upload(client, world, b"x" * 1001, name="a.csv")

    assert response.status_code == 400
    assert str(ERR_FILE_TOO_BIG % {"max": size_text(1000)}) in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_into_a_unit_outside_scope_is_refused(world, login):
    client = login(world.grid_worker)
    response = upload(client, world, xlsx(GOOD_ROWS), unit=world.grid_b)
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_the_template_has_headers_a_text_id_column_examples_and_instructions(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse("ledgers:import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=3))
    assert list(rows[0]) == TEMPLATE_HEADERS
    id_column = TEMPLATE_HEADERS.index("身份证号") + 1
    assert sheet.cell(row=2, column=id_column).number_format == "@"
    assert sheet.cell(row=50, column=id_column).number_format == "@"
    assert isinstance(rows[1][id_column - 1], str)
    assert len([r for r in rows[1:] if r[1]]) == 2
    assert workbook.sheetnames[1] == "填写说明"


def test_the_template_imports_cleanly(world, login):
    response = login(world.community_staff).get(reverse("ledgers:import_template"))
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.community,
        data=response.content,
        filename="t.xlsx",
        dry_run=True,
    )
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "bad": 0}


def test_a_large_file_runs_as_a_background_task_with_progress(world, login, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seen = []
    original = import_jobs.import_job_run

    def spy(job_id):
        seen.append(job_id)
        original(job_id)

    monkeypatch.setattr(import_jobs, "import_job_run", spy)
    from shoumen.ledgers import tasks

    monkeypatch.setattr(tasks, "import_job_run", spy)
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    assert job.task_id
    assert job.status == ImportStatus.CHECKED
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert seen == [job.pk]
    client.post(reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert seen == [job.pk, job.pk]


def test_progress_polls_while_running_and_reloads_when_done(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, progress_done=500, progress_total=2000
    )
    running = client.get(reverse("ledgers:import_progress", args=[job.pk]))
    assert 'hx-trigger="every 2s"' in running.content.decode()
    assert "25%" in running.content.decode()
    assert "HX-Refresh" not in running
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = client.get(reverse("ledgers:import_progress", args=[job.pk]))
    assert done["HX-Refresh"] == "true"


def test_a_queued_job_is_run_by_the_task_once(world, login):
    client = login(world.community_staff)
    job = job_of(upload(client, world, xlsx(GOOD_ROWS)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED)
    # A job that is not waiting (checked, done) is left alone by a late task.
    import_jobs.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


@pytest.mark.parametrize("persona", ["neighbour_worker", "outsider", "volunteer"])
def test_other_people_cannot_see_an_import(world, login, persona):
    job = job_of(upload(login(world.community_staff), world, xlsx(GOOD_ROWS)))
    client = login(getattr(world, persona))
    assert client.get(reverse("ledgers:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("ledgers:import_errors", args=[job.pk])).status_code == 404
