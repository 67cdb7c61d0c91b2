# Events now carry the hash of their own content only (no sequence number, no previous
# hash): the chain moves to signed blocks. Existing events are first checked against the
# old chain (a broken chain stops the upgrade rather than being laundered), then rehashed.

import datetime
import hashlib
import json

from django.db import migrations

GENESIS_HASH = "0" * 64
CONTENT = (
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "org_path",
    "changes",
    "reason",
    "ip_address",
)


def _digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def rehash_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    expected_seq, prev_hash = 1, GENESIS_HASH
    rehashed: list[tuple[int, str]] = []
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        payload = {name: getattr(event, name) for name in CONTENT}
        payload["occurred_at"] = event.occurred_at.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"
        )
        old = {**payload, "seq": event.seq, "prev_hash": event.prev_hash}
        if event.seq != expected_seq or event.prev_hash != prev_hash or _digest(old) != event.hash:
            raise RuntimeError(
                f"The audit chain is broken at event #{event.seq}; run `shoumen audit verify`"
                " with the previous release and resolve it before upgrading."
            )
        rehashed.append((event.pk, _digest(payload)))
        expected_seq, prev_hash = expected_seq + 1, event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if rehashed and (head is None or head.hash != prev_hash):
        raise RuntimeError(
            "The audit chain's last events were removed; see `shoumen audit verify`."
        )
    for pk, digest in rehashed:
        AuditEvent.objects.filter(pk=pk).update(hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_audit_event_hash_not_indexed"),
    ]

    operations = [
        migrations.RunPython(rehash_events, migrations.RunPython.noop, elidable=False),
    ]
