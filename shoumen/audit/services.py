"""Appending to the audit chain. Every service that writes calls ``audit_event_record``."""

import datetime
from collections.abc import Callable, Mapping
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


def _chain(*, actor, actor_label: str | None, specs: list[dict[str, Any]]) -> list[AuditEvent]:
    """Lock the chain head, build the events that follow it, and move the head past them.

    The caller saves the returned events in the same transaction."""
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    label = (actor_label if actor_label is not None else getattr(user, "username", ""))[:150]
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    # Truncating to whole microseconds in UTC keeps the hash stable across databases.
    now = timezone.now().astimezone(datetime.UTC)
    events = []
    for spec in specs:
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=now,
            actor=user,
            actor_label=label,
            action=spec["action"],
            org_path=spec.get("org_path", ""),
            changes=dict(spec.get("changes") or {}),
            reason=spec.get("reason", ""),
            ip_address=spec.get("ip_address"),
            prev_hash=head.hash,
            **(
                _target_fields(spec["target"])
                if spec.get("target") is not None
                else {k: spec.get(k, "") for k in ("target_type", "target_id", "target_label")}
            ),
        )
        event.hash = event.compute_hash()
        head.seq, head.hash = event.seq, event.hash
        events.append(event)
    head.save(update_fields=["seq", "hash"])
    return events


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
    spec = {
        "action": action,
        "target": target,
        "org_path": org_path,
        "changes": changes,
        "reason": reason,
        "ip_address": ip_address,
    }
    with transaction.atomic():
        (event,) = _chain(actor=actor, actor_label=actor_label, specs=[spec])
        event.save()
    return event


def audit_events_record_many(
    *,
    actor,
    events: list[dict[str, Any]],
    actor_label: str | None = None,
    write: Callable[[list[AuditEvent]], None] | None = None,
) -> None:
    """Append many events in one locked step: each spec has the keyword arguments of
    ``audit_event_record`` (``action``, ``target``, ``org_path``, ``changes``, ...).

    ``write`` saves the built events (e.g. with PostgreSQL ``COPY``); by default they are
    bulk-created. Call it inside the caller's transaction."""
    if not events:
        return
    built = _chain(actor=actor, actor_label=actor_label, specs=events)
    if write is not None:
        write(built)
    else:
        AuditEvent.objects.bulk_create(built, batch_size=2000)
