"""Appending to the audit chain. Every service that writes calls ``audit_event_record``."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from shoumen.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
    }


def audit_event_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    org_path: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. ``changes`` must already be masked; it is stored as given."""
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        # Truncating to whole microseconds in UTC keeps the hash stable across databases.
        now = timezone.now().astimezone(datetime.UTC)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=now,
            actor=user,
            actor_label=(actor_label if actor_label is not None else getattr(user, "username", ""))[
                :150
            ],
            action=action,
            org_path=org_path,
            changes=dict(changes or {}),
            reason=reason,
            ip_address=ip_address,
            prev_hash=head.hash,
            **_target_fields(target),
        )
        event.hash = event.compute_hash()
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
