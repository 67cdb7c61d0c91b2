"""Inbox messages are written by the background worker in Chinese; each reader reads them
in their own language."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.alerts.digest import digests_send
from shoumen.alerts.models import Cause, Notification
from shoumen.alerts.services import alert_raise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request with a language cookie leaves that language active in the thread."""
    language = translation.get_language()
    yield
    translation.activate(language)


def inbox(client, language) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("inbox:list")).content.decode()
    return html.split('data-testid="inbox"', 1)[1]


def test_a_new_alert_message_written_in_chinese_reads_in_english(world, login):
    with translation.override("zh-hans"):
        alert, _created = alert_raise(person=world.shan, cause=Cause.FEVER, details={})
    note = Notification.objects.get(alert=alert, recipient=alert.owner)
    assert "发热" in note.title
    english = inbox(login(alert.owner), "en")
    assert f"Fever: {world.shan.name}, due by" in english
    chinese = inbox(login(alert.owner), "zh-hans")
    assert note.title in chinese


def test_a_daily_digest_written_in_chinese_reads_in_english(world, login):
    with translation.override("zh-hans"):
        digests_send()
    note = Notification.objects.filter(alert=None).latest("pk")
    english = inbox(login(note.recipient), "en")
    assert "Daily digest for" in english and "Under observation:" in english
    assert note.title not in english
