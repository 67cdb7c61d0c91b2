"""Appending to the audit log. Every service that writes calls ``audit_event_record``.

Writers take no lock: each event carries the hash of its own content, and the sealer
(``shoumen.audit.sealing``) chains committed events into signed blocks afterwards."""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from shoumen.audit.models import CONTENT_FIELDS, AuditEvent

# The columns of an event row as ``AuditChainAppender.rows`` gives them (``changes`` as JSON).
AUDIT_ROW_COLUMNS = (*CONTENT_FIELDS, "hash")
# The encoder of ``AuditEvent.compute_hash`` (same options), made once.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
    }


class AuditChainAppender:
    """Builds events with the hash of their content (their ids come at insert).

    ``AuditEvent.compute_hash`` hashes the canonical JSON of the event (keys sorted, no
    spaces); with the keys in sorted order that text is the encoded values joined with
    their keys, so only the values that differ from event to event are encoded here: a
    bulk append of 100,000 events would otherwise spend seconds re-encoding the rest."""

    def __init__(self, *, user, label: str, now: datetime.datetime):
        self.user = user
        self.actor_id = user.pk if user is not None else None
        self.label = label
        self.now = now
        self._actor_json = f'"actor_id":{_encode(self.actor_id)},"actor_label":{_encode(label)}'
        occurred = now.isoformat(timespec="microseconds")
        self._occurred_json = f'"occurred_at":{_encode(occurred)}'

    def _build(self, specs: Iterable[Mapping[str, Any]]) -> Iterator[tuple]:
        """(row fields, changes) per spec; the row's ``changes`` is its canonical JSON."""
        for spec in specs:
            target = spec.get("target")
            if target is not None:
                t = _target_fields(target)
                target_type, target_id, target_label = (
                    t["target_type"],
                    t["target_id"],
                    t["target_label"],
                )
            else:
                target_type = spec.get("target_type", "")
                target_id = spec.get("target_id", "")
                target_label = spec.get("target_label", "")
            action = spec["action"]
            org_path = spec.get("org_path", "")
            changes = dict(spec.get("changes") or {})
            reason = spec.get("reason", "")
            ip_address = spec.get("ip_address")
            if ip_address and ":" in ip_address:
                # As the field stores it (PostgreSQL's inet too), so that the hash holds.
                ip_address = clean_ipv6_address(ip_address)
            changes_json = _encode(changes)
            canonical = (
                f'{{"action":{_encode(action)},{self._actor_json},"changes":{changes_json},'
                f'"ip_address":{_encode(ip_address)},{self._occurred_json},'
                f'"org_path":{_encode(org_path)},"reason":{_encode(reason)},'
                f'"target_id":{_encode(target_id)},"target_label":{_encode(target_label)},'
                f'"target_type":{_encode(target_type)}}}'
            )
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            row = (
                self.now,
                self.actor_id,
                self.label,
                action,
                target_type,
                target_id,
                target_label,
                org_path,
                changes_json,
                reason,
                ip_address,
                digest,
            )
            yield row, changes

    def rows(self, specs: Iterable[Mapping[str, Any]]) -> Iterator[tuple]:
        """The events as rows of ``AUDIT_ROW_COLUMNS``, for writing with ``COPY``: built
        one by one as they are taken, so that a stream can be written while the next one
        is hashed."""
        for row, _changes in self._build(specs):
            yield row

    def events(self, specs: Iterable[Mapping[str, Any]]) -> list[AuditEvent]:
        """The events as unsaved model instances."""
        out = []
        for row, changes in self._build(specs):
            fields = dict(zip(AUDIT_ROW_COLUMNS, row, strict=True))
            fields["changes"] = changes
            del fields["actor_id"]
            out.append(AuditEvent(actor=self.user, **fields))
        return out


@contextmanager
def audit_chain_appending(*, actor, actor_label: str | None = None):
    """Yield an ``AuditChainAppender`` for a long append (one actor, one time). It takes
    no lock: the caller writes the events it builds in its own transaction, and the
    sealer chains them once they are committed."""
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    label = (actor_label if actor_label is not None else getattr(user, "username", ""))[:150]
    # Truncating to whole microseconds in UTC keeps the hash stable across databases.
    now = timezone.now().astimezone(datetime.UTC)
    yield AuditChainAppender(user=user, label=label, now=now)


@cache
def _insert_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    column = {f.attname: str(f.column) for f in AuditEvent._meta.concrete_fields}
    marks = ["%s"] * len(AUDIT_ROW_COLUMNS)
    if vendor == "postgresql":
        marks[AUDIT_ROW_COLUMNS.index("changes")] = "%s::jsonb"
        marks[AUDIT_ROW_COLUMNS.index("ip_address")] = "%s::inet"
    table, names = (
        qn(AuditEvent._meta.db_table),
        ", ".join(qn(column[a]) for a in AUDIT_ROW_COLUMNS),
    )
    # Only the model's own table and column names go into the text.
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(marks)})"  # noqa: S608
    return f"{sql} RETURNING {qn(column['id'])}"


_OCCURRED_AT = AUDIT_ROW_COLUMNS.index("occurred_at")


def _insert(row: tuple) -> int:
    """One event row written with a prepared statement (the ORM's insert compiles its SQL
    anew each time, which was most of the CPU an audited write added); its new id."""
    params = list(row)
    if connection.vendor != "postgresql":
        params[_OCCURRED_AT] = connection.ops.adapt_datetimefield_value(params[_OCCURRED_AT])
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        return cursor.fetchone()[0]


def _chain(*, actor, actor_label: str | None, specs: list[dict[str, Any]]) -> list[AuditEvent]:
    """The events for ``specs``, hashed, unsaved."""
    with audit_chain_appending(actor=actor, actor_label=actor_label) as chain:
        return chain.events(specs)


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
    with audit_chain_appending(actor=actor, actor_label=actor_label) as chain:
        ((row, changes),) = chain._build([spec])
    fields = dict(zip(AUDIT_ROW_COLUMNS, row, strict=True))
    del fields["actor_id"]
    fields["changes"] = changes
    event = AuditEvent(actor=chain.user, **fields)
    event.pk = _insert(row)
    event._state.adding, event._state.db = False, connection.alias
    return event


def audit_events_record_many(
    *,
    actor,
    events: list[dict[str, Any]],
    actor_label: str | None = None,
    write: Callable[[list[AuditEvent]], None] | None = None,
) -> None:
    """Append many events: each spec has the keyword arguments of
    ``audit_event_record`` (``action``, ``target``, ``org_path``, ``changes``, ...).

    ``write`` saves the built events (e.g. with PostgreSQL ``COPY``); by default they are
    bulk-created. Call it inside the caller's transaction. For very many events, build
    and write them in batches with ``audit_chain_appending``."""
    if not events:
        return
    built = _chain(actor=actor, actor_label=actor_label, specs=events)
    if write is not None:
        write(built)
    else:
        AuditEvent.objects.bulk_create(built, batch_size=2000)
