"""``shoumen audit verify`` finds each kind of tampering and names where it is."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from shoumen.audit import signing
from shoumen.audit.models import AuditBlock, canonical_json
from shoumen.audit.sealing import audit_seal, events_digest, ranges_of
from shoumen.audit.services import audit_event_record
from shoumen.audit.verify import verify_audit
from tests.audit.conftest import postgresql_only, raw, tamper


@pytest.fixture
def sealed(world, heads_file):
    """Three events sealed into two blocks whose heads were recorded, then one waiting."""
    events = [audit_event_record(actor=world.grid_worker, action="test.one", reason="原因")]
    events.append(audit_event_record(actor=world.grid_worker, action="test.two"))
    first = audit_seal().blocks
    events.append(audit_event_record(actor=world.grid_worker, action="test.three"))
    second = audit_seal().blocks
    signing.heads_append(first + second)
    waiting = audit_event_record(actor=world.grid_worker, action="test.waiting")
    return events, first[-1], second[-1], waiting


def _problems(heads_file=None):
    report = verify_audit(heads=heads_file)
    assert not report.ok
    return report.problems


def test_verify_passes_and_reports_events_not_sealed_yet(sealed, heads_file, capsys):
    report = verify_audit(heads=heads_file)
    assert report.ok and report.unsealed == 1 and report.heads_checked == 2
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "Audit log intact" in out and "1 events not sealed yet" in out
    assert "2 recorded heads match" in out


def test_verify_names_an_edited_event(sealed):
    events, *_ = sealed
    tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["改过", events[0].pk])
    assert _problems()[0] == f"event #{events[0].pk}: content was altered"
    with pytest.raises(CommandError, match=f"event #{events[0].pk}: content was altered"):
        call_command("audit", "verify")


def test_verify_names_the_block_of_an_event_edited_with_its_hash_recomputed(sealed):
    events, one, _two, _w = sealed
    event = events[0]
    event.reason = "改过"
    tamper(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
        ["改过", event.compute_hash(), event.pk],
    )
    assert _problems() == [f"block #{one.number}: its events do not match their hashes"]


def test_verify_names_a_removed_event(sealed):
    events, one, *_ = sealed
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert _problems()[0] == f"event #{events[1].pk} sealed in block #{one.number} is missing"


def test_verify_detects_the_sql_rewrite_of_a_deleted_event(sealed, heads_file):
    """Delete an event, then rewrite its block and every later one so the chain is
    consistent again: without the signing key the signatures give it away, and the heads
    recorded outside no longer match."""
    events, one, two, _w = sealed
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    prev = one.prev_hash
    for block in AuditBlock.objects.filter(number__gte=one.number).order_by("number"):
        ids = [i for lo, hi in block.event_ranges for i in range(lo, hi + 1)]
        kept = [e for e in events if e.pk in ids and e.pk != events[1].pk]
        block.prev_hash = prev
        block.event_ranges = ranges_of([e.pk for e in kept])
        block.count = len(kept)
        block.events_hash = events_digest([(e.pk, e.hash) for e in kept])
        block.hash = block.compute_hash()
        tamper(
            "UPDATE audit_auditblock SET prev_hash = %s, event_ranges = %s, count = %s,"
            " events_hash = %s, hash = %s WHERE number = %s",
            [
                block.prev_hash,
                canonical_json(block.event_ranges),
                block.count,
                block.events_hash,
                block.hash,
                block.number,
            ],
        )
        prev = block.hash
    problems = _problems(heads_file)
    assert problems[0] == f"block #{one.number}: signature does not verify"
    assert f"heads file line 1: block #{one.number} differs from the recorded head" in problems
    assert f"heads file line 2: block #{two.number} differs from the recorded head" in problems


def test_verify_names_a_removed_block(sealed, heads_file):
    _events, _one, two, _w = sealed
    tamper("DELETE FROM audit_auditblock WHERE number = %s", [two.number])
    # On its own the shortened chain still holds; the recorded head does not.
    assert _problems(heads_file) == [
        f"heads file line 2: block #{two.number} is missing from the database"
    ]


def test_verify_names_a_removed_block_in_the_middle(sealed, world):
    _events, _one, two, _w = sealed
    audit_seal()
    tamper("DELETE FROM audit_auditblock WHERE number = %s", [two.number])
    assert _problems()[0] == f"block #{two.number} is missing"


def test_verify_names_a_block_whose_signature_fails(sealed):
    _events, _one, two, _w = sealed
    forged = Ed25519PrivateKey.generate().sign(b"anything")
    tamper(
        "UPDATE audit_auditblock SET signature = %s WHERE number = %s",
        [signing._b64(forged), two.number],
    )
    assert _problems() == [f"block #{two.number}: signature does not verify"]


def test_verify_names_a_forged_head_in_the_heads_file(sealed, heads_file):
    _events, _one, two, _w = sealed
    other = Ed25519PrivateKey.generate()
    message = f"shoumen-audit-head:{two.number}:{'f' * 64}".encode()
    line = {"block": two.number, "hash": "f" * 64, "signature": signing._b64(other.sign(message))}
    with heads_file.open("a") as out:
        out.write(json.dumps(line) + "\nnot a head\n")
    problems = _problems(heads_file)
    assert problems == [
        "heads file line 3: signature does not verify (forged head)",
        "heads file line 4 is not a signed head",
    ]
    with pytest.raises(CommandError, match="line 3: signature does not verify"):
        call_command("audit", "verify", "--heads", str(heads_file))


def test_verify_refuses_a_heads_file_that_is_not_there(sealed, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit", "verify", "--heads", str(tmp_path / "none.log"))


@postgresql_only
def test_verify_names_an_event_slipped_into_a_sealed_place(world):
    audit_seal()
    audit_event_record(actor=None, action="test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = audit_event_record(actor=None, action="test.rolled_back")
        raise RuntimeError
    audit_event_record(actor=None, action="test.after")
    audit_seal()
    audit_event_record(actor=None, action="test.next")
    audit_seal()  # the rolled-back id's gap is closed now
    raw(
        "INSERT INTO audit_auditevent (id, occurred_at, actor_label, action, target_type,"
        " target_id, target_label, org_path, changes, reason, hash)"
        " SELECT %s, occurred_at, actor_label, action, target_type, target_id, target_label,"
        " org_path, changes, reason, hash FROM audit_auditevent WHERE id = %s",
        [lost.pk, lost.pk + 1],
    )
    assert _problems() == [f"event #{lost.pk} is in no block, though its place was sealed"]


@postgresql_only
def test_postgresql_refuses_update_and_delete_of_audit_rows(sealed):
    events, one, *_ = sealed
    statements = [
        ("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", events[0].pk),
        ("DELETE FROM audit_auditevent WHERE id = %s", events[0].pk),
        ("UPDATE audit_auditblock SET count = 0 WHERE number = %s", one.number),
        ("DELETE FROM audit_auditblock WHERE number = %s", one.number),
    ]
    for sql, pk in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [pk])
    assert verify_audit().ok
