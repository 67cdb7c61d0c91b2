"""``shoumen audit verify``: every event against its hash and its block, every block
against the chain and its signature, the chain against the heads recorded outside."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from shoumen.audit import signing
from shoumen.audit.models import CONTENT_FIELDS, GENESIS_HASH, AuditBlock, AuditEvent, content_hash

CHUNK = 5000


@dataclass
class AuditReport:
    events: int = 0
    blocks: int = 0
    unsealed: int = 0
    heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Block:
    number: int
    digest: "hashlib._Hash"
    events_hash: str
    seen: int = 0


def _check_blocks(report: AuditReport) -> tuple[list[tuple[int, int, _Block]], AuditBlock | None]:
    """Walk the chain; return its sealed id ranges, sorted, and the last block."""
    intervals: list[tuple[int, int, _Block]] = []
    expected, prev_hash, last = 1, GENESIS_HASH, None
    for block in AuditBlock.objects.order_by("number").iterator(chunk_size=500):
        n = block.number
        if n != expected:
            report.problems.append(f"block #{expected} is missing")
        elif block.prev_hash != prev_hash:
            report.problems.append(f"block #{n}: previous block hash does not match")
        if block.compute_hash() != block.hash:
            report.problems.append(f"block #{n}: content was altered")
        if not signing.head_signature_valid(n, block.hash, block.signature):
            report.problems.append(f"block #{n}: signature does not verify")
        state = _Block(n, hashlib.sha256(), block.events_hash)
        total = 0
        for lo, hi in block.event_ranges:
            intervals.append((lo, hi, state))
            total += hi - lo + 1
        if total != block.count:
            report.problems.append(f"block #{n}: its id ranges do not hold {block.count} events")
        expected, prev_hash, last = n + 1, block.hash, block
        report.blocks += 1
    intervals.sort(key=lambda r: r[0])
    for (_lo, hi, a), (lo2, _hi2, b) in zip(intervals, intervals[1:], strict=False):
        if lo2 <= hi:
            report.problems.append(
                f"event #{lo2} is sealed in both block #{a.number} and #{b.number}"
            )
    return intervals, last


def _pending(event_id: int, last: AuditBlock | None) -> bool:
    """An event in no block that the sealer has yet to look at (not one slipped in)."""
    if last is None or event_id > last.high_event_id:
        return True
    return any(lo <= event_id <= hi for lo, hi, _seen in last.open_gaps)


def _check_events(report: AuditReport, intervals, last: AuditBlock | None) -> None:
    j, next_expected = 0, intervals[0][0] if intervals else 0

    def missing_up_to(limit: int) -> None:
        lo, hi, state = intervals[j]
        if next_expected <= min(hi, limit):
            report.problems.append(
                f"event #{next_expected} sealed in block #{state.number} is missing"
            )

    events = AuditEvent.objects.order_by("id").values_list("id", "hash", *CONTENT_FIELDS)
    for event_id, stored, *content in events.iterator(chunk_size=CHUNK):
        report.events += 1
        if content_hash(dict(zip(CONTENT_FIELDS, content, strict=True))) != stored:
            report.problems.append(f"event #{event_id}: content was altered")
        while j < len(intervals) and intervals[j][1] < event_id:
            missing_up_to(intervals[j][1])
            j += 1
            next_expected = intervals[j][0] if j < len(intervals) else 0
        if j < len(intervals) and intervals[j][0] <= event_id:
            missing_up_to(event_id - 1)
            next_expected = event_id + 1
            state = intervals[j][2]
            state.digest.update(f"{event_id} {stored}\n".encode())
            state.seen += 1
        elif _pending(event_id, last):
            report.unsealed += 1
        else:
            report.problems.append(f"event #{event_id} is in no block, though its place was sealed")
    while j < len(intervals):
        missing_up_to(intervals[j][1])
        j += 1
        next_expected = intervals[j][0] if j < len(intervals) else 0
    for state in {id(s): s for _lo, _hi, s in intervals}.values():
        if state.digest.hexdigest() != state.events_hash:
            report.problems.append(f"block #{state.number}: its events do not match their hashes")


def _check_heads(report: AuditReport, path: Path) -> None:
    hashes = dict(AuditBlock.objects.values_list("number", "hash"))
    for head in signing.heads_read(path):
        report.heads_checked += 1
        where = f"heads file line {head.line}"
        if head.number is None:
            report.problems.append(f"{where} is not a signed head")
        elif not signing.head_signature_valid(head.number, head.hash, head.signature):
            report.problems.append(f"{where}: signature does not verify (forged head)")
        elif head.number not in hashes:
            report.problems.append(f"{where}: block #{head.number} is missing from the database")
        elif hashes[head.number] != head.hash:
            report.problems.append(f"{where}: block #{head.number} differs from the recorded head")


def verify_audit(*, heads: Path | None = None) -> AuditReport:
    """Check everything; ``heads`` is a heads file to hold the chain against (none: the
    chain is checked on its own)."""
    report = AuditReport()
    intervals, last = _check_blocks(report)
    _check_events(report, intervals, last)
    if heads is not None:
        _check_heads(report, heads)
    return report


def verify_chain() -> AuditReport:
    """The events and blocks on their own (the earlier name of ``verify_audit``)."""
    return verify_audit()
