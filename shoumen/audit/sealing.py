"""The sealer: committed events not yet sealed, in id order, into the next signed block.

Writers append without a lock, so ids (drawn at insert) and commits need not come in the
same order: an event with a lower id may commit after a block sealed higher ones. The
block therefore records the exact ids it sealed and the ids below its highest that it
could not see yet (``open_gaps``); the next sealer looks for those again, so a late
event lands in the next block. A gap closes for good once every transaction that was
running when it was first seen has ended (the ids of a rolled-back transaction are never
used): on PostgreSQL that is read from ``pg_stat_activity``; on SQLite the sealer holds
the write lock, so no other transaction can be half-way."""

import bisect
import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from shoumen.audit import signing
from shoumen.audit.models import GENESIS_HASH, AuditBlock, AuditEvent

# One sealer at a time (a PostgreSQL advisory lock, transaction-scoped): "SHOUMEN-A".
SEAL_LOCK = 0x53484F554D454E41
# A block holds at most this many events; a larger backlog becomes several blocks.
MAX_BLOCK_EVENTS = 100_000
# The other transactions' start times cannot be read (no right to see other roles' rows).
_UNKNOWN = object()


@dataclass
class SealResult:
    blocks: list[AuditBlock] = field(default_factory=list)
    busy: bool = False  # another sealer holds the lock (only when not waiting)

    @property
    def events(self) -> int:
        return sum(b.count for b in self.blocks)


def events_digest(pairs: Sequence[tuple[int, str]]) -> str:
    """The hash over a block's ordered (id, event hash) pairs."""
    digest = hashlib.sha256()
    for event_id, event_hash in pairs:
        digest.update(f"{event_id} {event_hash}\n".encode())
    return digest.hexdigest()


def ranges_of(ids: Sequence[int]) -> list[list[int]]:
    """Sorted ids as ``[first, last]`` runs."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def _lock(wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: the transaction (BEGIN IMMEDIATE) is the lock
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK])
        return bool(cursor.fetchone()[0])


def _oldest_other_transaction():
    """When the oldest other transaction on this database started: None when there is
    none, ``_UNKNOWN`` when some cannot be seen."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else cached for the transaction
        cursor.execute(
            "SELECT bool_or(state IS NULL), min(xact_start) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        hidden, oldest = cursor.fetchone()
    return _UNKNOWN if hidden else oldest


def _now() -> datetime.datetime:
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _candidates(high: int, gaps: list[list], limit: int) -> list[tuple[int, str]]:
    """(id, hash) of the visible events above ``high`` or inside ``gaps``, in id order."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT id, hash FROM {table} WHERE id > %s UNION ALL"  # noqa: S608
                f" SELECT e.id, e.hash FROM unnest(%s::bigint[], %s::bigint[]) AS g(lo, hi)"
                f" JOIN {table} e ON e.id BETWEEN g.lo AND g.hi ORDER BY 1 LIMIT %s",
                [high, [g[0] for g in gaps], [g[1] for g in gaps], limit],
            )
        else:
            where = " OR ".join(["id > %s", *("id BETWEEN %s AND %s" for _g in gaps)])
            params: list[int] = [high]
            for g in gaps:
                params += [g[0], g[1]]
            cursor.execute(
                f"SELECT id, hash FROM {table} WHERE {where} ORDER BY id LIMIT %s",  # noqa: S608
                [*params, limit],
            )
        return list(cursor.fetchall())


def _still_open(gaps: list[list], ids: list[int], *, covered_to: int, oldest) -> list[list]:
    """The previous gaps less the ids now sealed and the gaps that closed for good.

    Only ids up to ``covered_to`` were looked for (a full block stops early)."""
    kept: list[list] = []
    for lo, hi, seen in gaps:
        start = bisect.bisect_left(ids, lo)
        end = bisect.bisect_right(ids, hi)
        pieces, cursor = [], lo
        for i in ids[start:end]:
            if i > cursor:
                pieces.append([cursor, i - 1])
            cursor = i + 1
        if cursor <= hi:
            pieces.append([cursor, hi])
        closed = oldest is None or (
            oldest is not _UNKNOWN and datetime.datetime.fromisoformat(seen) <= oldest
        )
        for a, b in pieces:
            if closed and b <= covered_to:
                continue
            kept.append([a, b, seen])
    return kept


def _new_gaps(ids: list[int], high: int, seen: str) -> list[list]:
    """Ids above ``high`` and below the highest sealed one that were not visible."""
    gaps, previous = [], high
    for i in ids[bisect.bisect_right(ids, high) :]:
        if i > previous + 1:
            gaps.append([previous + 1, i - 1, seen])
        previous = i
    return gaps


def _seal_one(*, wait: bool, limit: int) -> AuditBlock | None | bool:
    """One block, or None when nothing is waiting, or False when another sealer runs."""
    with transaction.atomic():
        if not _lock(wait):
            return False
        last = AuditBlock.objects.order_by("-number").first()
        high = last.high_event_id if last else 0
        gaps = list(last.open_gaps) if last else []
        # Read before the events: a transaction that ended before this read has its
        # events visible to the query below.
        oldest = _oldest_other_transaction()
        pairs = _candidates(high, gaps, limit)
        if not pairs:
            return None
        now = _now()
        seen = now.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        ids = [p[0] for p in pairs]
        covered_to = ids[-1] if len(ids) == limit else max(high, ids[-1])
        open_gaps = _still_open(gaps, ids, covered_to=covered_to, oldest=oldest)
        open_gaps += _new_gaps(ids, high, seen)
        block = AuditBlock(
            number=(last.number + 1) if last else 1,
            prev_hash=last.hash if last else GENESIS_HASH,
            sealed_at=now,
            count=len(ids),
            first_event_id=ids[0],
            last_event_id=ids[-1],
            high_event_id=max(high, ids[-1]),
            event_ranges=ranges_of(ids),
            open_gaps=open_gaps,
            events_hash=events_digest(pairs),
            key_id=signing.key_id(),
        )
        block.hash = block.compute_hash()
        block.signature = signing.sign_head(block.number, block.hash)
        block.save(force_insert=True)
        return block


def audit_seal(*, wait: bool = True, limit: int = MAX_BLOCK_EVENTS) -> SealResult:
    """Seal every committed event not yet in a block; append the new heads to the heads
    file once committed. With ``wait=False`` return at once when another sealer runs."""
    result = SealResult()
    while True:
        block = _seal_one(wait=wait, limit=limit)
        if block is False:
            result.busy = True
            break
        if block is None or not isinstance(block, AuditBlock):
            break
        result.blocks.append(block)
        transaction.on_commit(partial(signing.heads_append, [block]))
        if block.count < limit:
            break
    return result
