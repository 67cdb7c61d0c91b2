"""Email and SMS copies of inbox messages.

Email goes through Django's email backend (``EMAIL_BACKEND``: the console in dev, SMTP in
production). SMS goes through ``SHOUMEN_SMS_BACKEND``: a dotted path to a class whose
instances have ``send(phone: str, text: str) -> None`` and raise on failure. The default
``LogSmsBackend`` only logs that a message went out, with the phone masked and without
the text, so nothing personal reaches the log."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

log = logging.getLogger("shoumen.notify")

SMS_MAX_CHARS = 70  # one Chinese SMS segment


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


class LogSmsBackend:
    """Writes one log line per message: the masked phone and the text's length."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms to %s (%d characters)", mask_phone(phone), len(text))


class MemorySmsBackend:
    """Keeps messages in memory (tests and demos): ``MemorySmsBackend.outbox``."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    return import_string(settings.SHOUMEN_SMS_BACKEND)()


@dataclass(frozen=True)
class Copy:
    """One message to one user: the subject is the email subject, the text both the
    email body and the SMS."""

    email: str
    phone: str
    subject: str
    text: str


def deliver(copies: Iterable[Copy]) -> tuple[int, int]:
    """Send email and SMS copies; a failing channel is logged and does not stop the rest.

    Returns (emails sent, SMS sent)."""
    copies = list(copies)
    emails = sms = 0
    if settings.SHOUMEN_NOTIFY_EMAIL:
        messages = [
            EmailMessage(subject=c.subject, body=c.text, to=[c.email]) for c in copies if c.email
        ]
        if messages:
            try:
                emails = get_connection(fail_silently=False).send_messages(messages) or 0
            except Exception:  # a mail server down must not lose the inbox message
                log.exception("email copies failed (%d messages)", len(messages))
    if settings.SHOUMEN_NOTIFY_SMS:
        backend = sms_backend()
        for c in copies:
            if not c.phone:
                continue
            try:
                backend.send(c.phone, c.text[:SMS_MAX_CHARS])
            except Exception:
                log.exception("sms to %s failed", mask_phone(c.phone))
            else:
                sms += 1
    return emails, sms
