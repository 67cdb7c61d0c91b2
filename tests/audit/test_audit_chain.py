import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shoumen.audit.models import AppendOnlyError, AuditEvent
from shoumen.audit.services import audit_event_record
from shoumen.audit.verify import verify_chain


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_stores_the_hash_of_the_previous_one(world):
    first = audit_event_record(actor=world.grid_worker, action="test.one")
    second = audit_event_record(actor=world.grid_worker, action="test.two", reason="why")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.hash == second.compute_hash()


def test_verify_passes_on_an_intact_chain(world, capsys):
    audit_event_record(actor=world.grid_worker, action="test.one")
    call_command("audit", "verify")
    assert "Audit chain intact" in capsys.readouterr().out


def test_verify_names_the_altered_event(world):
    event = audit_event_record(actor=world.grid_worker, action="test.altered", reason="原因")
    audit_event_record(actor=world.grid_worker, action="test.after")
    _raw("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["改过", event.seq])
    report = verify_chain()
    assert not report.ok
    assert report.bad_seq == event.seq
    with pytest.raises(CommandError, match=f"#{event.seq}: content was altered"):
        call_command("audit", "verify")


def test_verify_detects_a_removed_event_in_the_middle(world):
    middle = audit_event_record(actor=world.grid_worker, action="test.middle")
    audit_event_record(actor=world.grid_worker, action="test.after")
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [middle.seq])
    with pytest.raises(CommandError, match=f"#{middle.seq}: event is missing"):
        call_command("audit", "verify")


def test_verify_detects_removed_last_events(world):
    last = audit_event_record(actor=world.grid_worker, action="test.last")
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    report = verify_chain()
    assert not report.ok and report.bad_seq == last.seq


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
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


def test_login_success_is_audited(world, client):
    client.force_login(world.grid_worker)
    event = AuditEvent.objects.filter(action="login.success").latest("seq")
    assert event.actor == world.grid_worker


def test_login_behind_a_proxy_is_audited_with_the_clients_address(world, rf, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = rf.post("/accounts/login/", HTTP_X_REAL_IP="203.0.113.7")
    assert authenticate(request=request, username="grid_worker", password="wrong") is None
    event = AuditEvent.objects.filter(action="login.failure").latest("seq")
    assert event.ip_address == "203.0.113.7"


def test_login_failure_is_audited_with_the_attempted_username(world, rf):
    request = rf.post("/accounts/login/")
    assert authenticate(request=request, username="grid_worker", password="wrong") is None
    event = AuditEvent.objects.filter(action="login.failure").latest("seq")
    assert event.actor is None and event.actor_label == "grid_worker"
