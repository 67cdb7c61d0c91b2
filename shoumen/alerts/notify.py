"""Notifications: the in-app inbox. Email and SMS copies are sent from here too."""

from collections.abc import Iterable

from shoumen.alerts.models import Notification


def notify(*, recipients: Iterable, title: str, body: str = "", alert=None) -> list[Notification]:
    """Put a message in each recipient's inbox."""
    notes = [
        Notification(recipient=user, alert=alert, title=str(title)[:200], body=str(body))
        for user in {u.pk: u for u in recipients if u is not None}.values()
    ]
    return Notification.objects.bulk_create(notes)
