import json

import pytest
from django.core.management import call_command
from django.db import transaction

from shoumen.audit import signing
from shoumen.audit.models import GENESIS_HASH, AuditBlock
from shoumen.audit.sealing import audit_seal, events_digest
from shoumen.audit.services import audit_event_record
from shoumen.audit.tasks import audit_seal_task
from shoumen.schedule import schedule
from tests.audit.conftest import postgresql_only


def _sealed_ids(block: AuditBlock) -> list[int]:
    return [i for lo, hi in block.event_ranges for i in range(lo, hi + 1)]


def test_seal_puts_waiting_events_into_a_signed_block_chained_to_the_last(world):
    first = audit_event_record(actor=world.grid_worker, action="test.a")
    (one,) = audit_seal().blocks
    second = audit_event_record(actor=world.grid_worker, action="test.b")
    third = audit_event_record(actor=world.grid_worker, action="test.c")
    (two,) = audit_seal().blocks
    assert first.pk in _sealed_ids(one) and first.pk == one.last_event_id
    assert _sealed_ids(two) == [second.pk, third.pk] and two.count == 2
    assert two.number == one.number + 1 and two.prev_hash == one.hash
    assert two.events_hash == events_digest([(second.pk, second.hash), (third.pk, third.hash)])
    assert two.hash == two.compute_hash()
    assert signing.head_signature_valid(two.number, two.hash, two.signature)
    assert not signing.head_signature_valid(two.number, one.hash, two.signature)


def test_the_first_block_follows_the_genesis_hash(world):
    audit_event_record(actor=world.grid_worker, action="test.a")
    block = audit_seal().blocks[0]
    assert block.number == 1 and block.prev_hash == GENESIS_HASH


def test_seal_with_nothing_waiting_adds_no_block(world):
    audit_event_record(actor=world.grid_worker, action="test.a")
    audit_seal()
    before = AuditBlock.objects.count()
    assert audit_seal().blocks == []
    assert AuditBlock.objects.count() == before


def test_a_backlog_larger_than_a_block_becomes_several_blocks(world):
    audit_seal()
    events = [audit_event_record(actor=None, action=f"test.{i}") for i in range(5)]
    blocks = audit_seal(limit=2).blocks
    assert [b.count for b in blocks] == [2, 2, 1]
    assert [i for b in blocks for i in _sealed_ids(b)] == [e.pk for e in events]


def test_heads_are_written_when_the_seal_commits(
    world, heads_file, django_capture_on_commit_callbacks
):
    audit_event_record(actor=world.grid_worker, action="test.a")
    with django_capture_on_commit_callbacks(execute=True):
        (block,) = audit_seal().blocks
    (line,) = heads_file.read_text().splitlines()
    assert json.loads(line)["block"] == block.number


def test_audit_seal_command_seals_and_head_prints_the_signed_head(world, capsys):
    audit_event_record(actor=world.grid_worker, action="test.a")
    call_command("audit", "seal")
    assert "Sealed block #" in capsys.readouterr().out
    call_command("audit", "head")
    out = capsys.readouterr().out.splitlines()
    block = AuditBlock.objects.order_by("-number").first()
    assert json.loads(out[0])["hash"] == block.hash
    assert out[1].endswith(signing.public_key_text())


def test_the_signing_key_comes_from_settings(world, settings):
    audit_event_record(actor=world.grid_worker, action="test.a")
    settings.SHOUMEN_AUDIT_SIGNING_KEY = bytes(range(32))
    signing._private_key.cache_clear()
    (block,) = audit_seal().blocks
    assert block.key_id == signing.key_id()
    assert signing.head_signature_valid(block.number, block.hash, block.signature)


def test_the_sealer_is_scheduled_every_configured_seconds(settings):
    settings.SHOUMEN_AUDIT_SEAL_SECONDS = 5
    job = next(j for j in schedule() if j.name == "audit-seal")
    assert job.cron == {"second": "*/5"}
    assert job.task == "shoumen.audit.tasks.audit_seal_task"


def test_the_seal_task_seals_what_is_waiting(world):
    event = audit_event_record(actor=world.grid_worker, action="test.a")
    assert audit_seal_task.call() >= 1
    block = AuditBlock.objects.order_by("-number").first()
    assert event.pk in _sealed_ids(block)


@postgresql_only
def test_a_rolled_back_events_gap_stays_open_once_then_closes(world):
    audit_seal()
    before = audit_event_record(actor=None, action="test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = audit_event_record(actor=None, action="test.rolled_back")
        raise RuntimeError
    after = audit_event_record(actor=None, action="test.after")
    (one,) = audit_seal().blocks
    assert _sealed_ids(one) == [before.pk, after.pk]
    assert [lost.pk, lost.pk] in [g[:2] for g in one.open_gaps]
    audit_event_record(actor=None, action="test.next")
    (two,) = audit_seal().blocks
    assert two.open_gaps == []  # no other transaction was running: the id never comes
