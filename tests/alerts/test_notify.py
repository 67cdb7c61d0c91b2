import logging

import pytest
import time_machine
from django.core import mail

from shoumen.alerts.channels import Copy, LogSmsBackend, MemorySmsBackend, deliver
from shoumen.alerts.evaluation import alerts_evaluate
from shoumen.alerts.models import Cause, Notification
from shoumen.alerts.notify import notify
from shoumen.alerts.services import alert_raise
from tests.alerts.helpers import at, observe

pytestmark = pytest.mark.django_db

MEMORY_SMS = "shoumen.alerts.channels.MemorySmsBackend"


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SHOUMEN_SMS_BACKEND = MEMORY_SMS
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


@pytest.fixture
def reachable(world):
    worker = world.grid_worker
    worker.email, worker.phone = "worker@example.cn", "13900001111"
    worker.save()
    return worker


def test_a_new_alert_reaches_the_inbox_email_and_sms_without_the_name(
    world, outbox, reachable, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert, _ = alert_raise(person=world.shan, cause=Cause.FEVER, details={})
    assert Notification.objects.get(alert=alert).recipient == reachable
    (email,) = mail.outbox
    assert email.to == ["worker@example.cn"]
    assert "11:00" in email.body
    assert "单明" not in email.body + email.subject
    ((phone, text),) = outbox
    assert phone == "13900001111"
    assert "单明" not in text


def test_copies_wait_for_the_commit(world, outbox, reachable):
    notify(recipients=[reachable], title="t")
    assert mail.outbox == [] and outbox == []


def test_users_without_address_or_phone_get_the_inbox_only(
    world, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.street_officer, world.street_officer], title="t")
    assert Notification.objects.filter(recipient=world.street_officer).count() == 1
    assert mail.outbox == [] and outbox == []


def test_scheduled_alerts_send_one_grouped_copy_per_owner(
    world, outbox, reachable, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(8), tick=False):
        observe(world, world.shan)
        observe(world, world.zeng)
    with (
        time_machine.travel(at(10, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts_evaluate(now=at(10, 5))
    assert Notification.objects.filter(recipient=reachable).count() == 1
    (email,) = mail.outbox
    assert "2" in email.body
    assert len(outbox) == 1


def test_the_log_backend_writes_no_phone_or_text(caplog):
    with caplog.at_level(logging.INFO, logger="shoumen.notify"):
        LogSmsBackend().send("13912345678", "单明 发热")
    assert "13912345678" not in caplog.text
    assert "单明" not in caplog.text
    assert "139****5678" in caplog.text


class FailingSms:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_failing_sms_gateway_does_not_stop_email(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SHOUMEN_SMS_BACKEND = "tests.alerts.test_notify.FailingSms"
    emails, sms = deliver([Copy(email="a@example.cn", phone="13900001111", subject="s", text="t")])
    assert (emails, sms) == (1, 0)
    assert "139****1111" in caplog.text
