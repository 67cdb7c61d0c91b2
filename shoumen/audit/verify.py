"""Walk the audit chain and report the first event that breaks it."""

import datetime
from dataclasses import dataclass

from shoumen.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "event is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "previous hash does not match")
        event.occurred_at = event.occurred_at.astimezone(datetime.UTC)
        if event.compute_hash() != event.hash:
            return ChainReport(False, checked, event.seq, "content was altered")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        return ChainReport(False, checked, checked + 1, "events after this point were removed")
    return ChainReport(True, checked)
