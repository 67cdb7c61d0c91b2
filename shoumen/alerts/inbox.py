"""The in-app inbox: each user reads and marks only their own messages."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shoumen.alerts.models import Notification
from shoumen.audit.services import audit_event_record


def inbox_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(recipient=user).select_related("alert")
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(user, *, pk: int) -> Notification:
    """One of the user's own messages, or Notification.DoesNotExist."""
    return Notification.objects.get(recipient=user, pk=pk)


@transaction.atomic
def notifications_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one message (or, with none given, every unread one) of ``actor`` as read."""
    notes = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification is not None:
        notes = notes.filter(pk=notification.pk)
    marked = notes.update(read_at=timezone.now())
    if marked:
        audit_event_record(
            actor=actor,
            action="inbox.read",
            target=notification,
            changes={"marked": marked},
        )
    return marked
