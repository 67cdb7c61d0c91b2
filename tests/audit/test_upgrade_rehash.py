"""The upgrade from the locked hash chain: events are checked against the old chain, then
rehashed on their own content; a broken old chain stops the upgrade."""

import datetime
import hashlib
import importlib
import json
from types import SimpleNamespace

import pytest

from shoumen.audit.models import CONTENT_FIELDS, GENESIS_HASH, content_hash

upgrade = importlib.import_module("shoumen.audit.migrations.0004_audit_events_hashed_on_their_own")
WHEN = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC)


class _Rows:
    def __init__(self, rows):
        self.rows, self.updates = rows, {}

    def order_by(self, field):
        return SimpleNamespace(
            iterator=lambda chunk_size: iter(sorted(self.rows, key=lambda r: r.seq))
        )

    def filter(self, pk):
        return SimpleNamespace(update=lambda hash: self.updates.__setitem__(pk, hash))


def _legacy_chain(count: int):
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = dict.fromkeys(CONTENT_FIELDS, "")
        fields.update(occurred_at=WHEN, actor_id=None, changes={"n": seq}, ip_address=None)
        fields["action"] = f"test.{seq}"
        old = {**fields, "occurred_at": WHEN.isoformat(timespec="microseconds")}
        old.update(seq=seq, prev_hash=prev)
        text = json.dumps(old, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        events.append(SimpleNamespace(pk=100 + seq, seq=seq, prev_hash=prev, hash=digest, **fields))
        prev = digest
    return events, prev


def _apps(events, head_hash):
    rows = _Rows(events)
    head = SimpleNamespace(hash=head_hash)
    models = {
        "AuditEvent": SimpleNamespace(objects=rows),
        "AuditChainHead": SimpleNamespace(
            objects=SimpleNamespace(filter=lambda id: SimpleNamespace(first=lambda: head))
        ),
    }
    return SimpleNamespace(get_model=lambda app, name: models[name]), rows


def test_an_intact_old_chain_is_rehashed_on_each_events_own_content():
    events, head = _legacy_chain(3)
    apps, rows = _apps(events, head)
    upgrade.rehash_events(apps, None)
    for event in events:
        content = {name: getattr(event, name) for name in CONTENT_FIELDS}
        assert rows.updates[event.pk] == content_hash(content)


def test_an_old_chain_with_an_altered_event_stops_the_upgrade():
    events, head = _legacy_chain(3)
    events[1].reason = "改过"
    apps, rows = _apps(events, head)
    with pytest.raises(RuntimeError, match="broken at event #2"):
        upgrade.rehash_events(apps, None)
    assert rows.updates == {}


def test_an_old_chain_missing_its_last_events_stops_the_upgrade():
    events, head = _legacy_chain(3)
    apps, rows = _apps(events[:2], head)
    with pytest.raises(RuntimeError, match="last events were removed"):
        upgrade.rehash_events(apps, None)
    assert rows.updates == {}
