"""Notifications: the in-app inbox, with email and SMS copies (``alerts.channels``).

Copies leave the system, so they never carry a resident's name: an alert's copy says the
cause and the due time and points to the inbox."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import User
from shoumen.alerts.channels import Copy, deliver
from shoumen.alerts.models import Notification

COPY_SUBJECT = _("Shoumen: %(title)s")
ALERT_COPY = _("New alert (%(cause)s), to handle by %(due)s. Details in your Shoumen inbox.")
ALERTS_COPY = _("%(count)d new alerts (%(cause)s). Details in your Shoumen inbox.")


def alert_copy_text(alert) -> str:
    return str(
        ALERT_COPY
        % {
            "cause": alert.get_cause_display(),
            "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
        }
    )


def _send_after_commit(copies: list[Copy]) -> None:
    if copies:
        transaction.on_commit(lambda: deliver(copies))


def notify(
    *, recipients: Iterable, title: str, body: str = "", alert=None, words: dict | None = None
) -> list[Notification]:
    """Put a message in each recipient's inbox and send the email and SMS copies once the
    transaction commits. ``words`` (alerts.messages) lets each reader read it in their
    own language."""
    users = list({u.pk: u for u in recipients if u is not None}.values())
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, alert=alert, title=str(title)[:200], body=str(body), words=words or {}
            )
            for u in users
        ]
    )
    text = alert_copy_text(alert) if alert is not None else f"{title}\n{body}".strip()
    subject = str(COPY_SUBJECT % {"title": alert.get_cause_display() if alert else title})
    _send_after_commit(
        [Copy(email=u.email, phone=u.phone, subject=subject, text=text) for u in users]
    )
    return notes


def send_copies(texts: Mapping[int, tuple[str, str]]) -> None:
    """Email and SMS copies for users by id: {user id: (subject, text)}, one query."""
    if not texts:
        return
    users = User.objects.filter(pk__in=list(texts), is_active=True).only("pk", "email", "phone")
    _send_after_commit(
        [
            Copy(email=u.email, phone=u.phone, subject=texts[u.pk][0], text=texts[u.pk][1])
            for u in users
            if u.email or u.phone
        ]
    )
