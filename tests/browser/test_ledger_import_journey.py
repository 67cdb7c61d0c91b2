import io

import pytest
from openpyxl import load_workbook

from shoumen.accounts.models import User
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.registry.models import Person
from tests.ledgers.ledgers import resident_id, xlsx
from tests.personas import PASSWORD, build_world

pytestmark = pytest.mark.browser

ZHANG = resident_id("19800101", 1, male=True)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")


@pytest.fixture
def journey_world(transactional_db, settings):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    # The import is read and written by a task; here it runs as it is enqueued
    # (tests/test_task_queue.py runs a real worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_community_staff_uploads_fixes_mapping_confirms_and_downloads_the_bad_rows(
    live_server, phone, journey_world, tmp_path
):
    # 证件 is not a header we recognise: the ID column has to be mapped by hand.
    headers = ["序号", "姓名", "证件", "联系电话", "楼栋", "单元", "门牌号", "与户主关系"]
    rows = [
        [1, "张三", ZHANG, "13800001111", "5号楼", "2", "302", "户主"],
        [2, "王五", BAD, "", "5号楼", "2", "303", "户主"],
    ]
    ledger = tmp_path / "光华台账.xlsx"
    ledger.write_bytes(xlsx(rows, headers=headers))

    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "community_staff")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")

    phone.goto(f"{live_server.url}/ledgers/import/")
    phone.select_option("#id_org_unit", label="光华第一网格（网格）")
    phone.set_input_files("#id_file", str(ledger))
    phone.click("[data-testid=upload-form] button[type=submit]")
    phone.locator("[data-testid=import-counts]").wait_for()
    # Without the ID column neither row says the person's sex: both are bad.
    assert phone.locator("[data-testid=count-bad]").inner_text() == "2"

    phone.locator("[data-testid=mapping] summary").click()
    column = phone.locator("[data-testid=mapping-form] label", has_text="证件")
    phone.select_option(f"#{column.get_attribute('for')}", value="id_number")
    phone.click("[data-testid=recheck]")
    phone.wait_for_function("document.querySelector('[data-testid=count-bad]').innerText === '1'")
    assert phone.locator("[data-testid=count-new]").inner_text() == "1"
    assert BAD not in phone.content()

    phone.check("#id_skip_bad_rows")
    phone.click("[data-testid=confirm-import]")
    phone.locator("[data-testid=import-done]").wait_for()
    assert Person.objects.filter(name="张三").exists()
    assert not Person.objects.filter(name="王五").exists()
    assert ImportJob.objects.get().status == ImportStatus.DONE

    with phone.expect_download() as download:
        phone.click("[data-testid=error-report]")
    path = tmp_path / "errors.xlsx"
    download.value.save_as(path)
    report = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert report[0][: len(headers)] == tuple(headers)
    assert report[1][1] == "王五"
