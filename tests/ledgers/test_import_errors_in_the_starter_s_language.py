"""An import's row errors are written in the language of the person who uploaded the file,
though the check runs in the background worker."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.ledgers.tasks import import_job_task
from tests.ledgers.ledgers import resident_id, xlsx

ZHANG = resident_id("19800101", 1, male=True)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
ROWS = [[1, "王五", "不详", BAD, "", "5号楼", "2", "303", "户主", ""]]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request with a language cookie leaves that language active in the thread."""
    language = translation.get_language()
    yield
    translation.activate(language)


def checked_job(client, world, language) -> ImportJob:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("ledgers:import_start"),
        {"org_unit": world.grid_a.pk, "file": SimpleUploadedFile("台账.xlsx", xlsx(ROWS))},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == ImportStatus.CHECKED
    return job


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_an_english_user_s_import_row_errors_are_in_english(world, login):
    job = checked_job(login(world.community_staff), world, "en")
    reasons = [e["reason"] for e in job.errors]
    assert reasons
    assert "Write the sex as 男 or 女." in reasons
    # Only the Chinese words the English message quotes (男, 女) remain.
    assert not any(has_chinese(r.replace("男", "").replace("女", "")) for r in reasons)


def test_the_worker_writes_row_errors_in_the_language_it_is_given(world, login):
    job = checked_job(login(world.community_staff), world, "zh-hans")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, errors=[])
    with translation.override("zh-hans"):  # the worker's own default language
        import_job_task.func(job.pk, "en")
    job.refresh_from_db()
    assert "Write the sex as 男 or 女." in [e["reason"] for e in job.errors]


def test_a_chinese_user_s_import_row_errors_are_in_chinese(world, login):
    job = checked_job(login(world.community_staff), world, "zh-hans")
    assert job.errors and all(has_chinese(e["reason"]) for e in job.errors)
