import pytest
from django.contrib.auth import authenticate

from shoumen.audit.models import AppendOnlyError, AuditBlock, AuditEvent
from shoumen.audit.sealing import audit_seal
from shoumen.audit.services import (
    AUDIT_ROW_COLUMNS,
    audit_chain_appending,
    audit_event_record,
    audit_events_record_many,
)


def test_each_event_stores_the_hash_of_its_own_content(world):
    event = audit_event_record(actor=world.grid_worker, action="test.one", reason="why")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash == stored.compute_hash()
    assert len(stored.hash) == 64


def test_events_appended_in_one_go_are_hashed_like_single_ones(world):
    audit_events_record_many(
        actor=world.grid_worker,
        events=[{"action": "test.many", "changes": {"n": i, "名": "张"}} for i in range(3)],
    )
    events = AuditEvent.objects.filter(action="test.many").order_by("id")
    assert [e.changes["n"] for e in events] == [0, 1, 2]
    assert all(e.hash == e.compute_hash() for e in events)


def test_appender_rows_follow_the_row_columns_and_hash_the_content(world):
    with audit_chain_appending(actor=world.grid_worker) as chain:
        (row,) = chain.rows([{"action": "test.row", "target_id": "7", "changes": {"a": 1}}])
        (event,) = chain.events([{"action": "test.row", "target_id": "7", "changes": {"a": 1}}])
    fields = dict(zip(AUDIT_ROW_COLUMNS, row, strict=True))
    assert "seq" not in fields and "prev_hash" not in fields
    assert fields["hash"] == event.hash == event.compute_hash()
    assert fields["changes"] == '{"a":1}'


def test_events_and_blocks_cannot_be_changed_or_deleted_through_the_orm(world):
    event = audit_event_record(actor=world.grid_worker, action="test.locked")
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    (block,) = audit_seal().blocks
    with pytest.raises(AppendOnlyError):
        block.save()
    with pytest.raises(AppendOnlyError):
        AuditBlock.objects.filter(pk=block.pk).delete()


def test_login_success_is_audited(world, client):
    client.force_login(world.grid_worker)
    event = AuditEvent.objects.filter(action="login.success").latest("id")
    assert event.actor == world.grid_worker


def test_login_behind_a_proxy_is_audited_with_the_clients_address(world, rf, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = rf.post("/accounts/login/", HTTP_X_REAL_IP="203.0.113.7")
    assert authenticate(request=request, username="grid_worker", password="wrong") is None
    event = AuditEvent.objects.filter(action="login.failure").latest("id")
    assert event.ip_address == "203.0.113.7"


def test_login_failure_is_audited_with_the_attempted_username(world, rf):
    request = rf.post("/accounts/login/")
    assert authenticate(request=request, username="grid_worker", password="wrong") is None
    event = AuditEvent.objects.filter(action="login.failure").latest("id")
    assert event.actor is None and event.actor_label == "grid_worker"


def test_an_ipv6_address_is_hashed_as_it_is_stored(world):
    event = audit_event_record(actor=None, action="test.ip", ip_address="2001:DB8:0::1")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "2001:db8::1"
    assert stored.hash == stored.compute_hash()
