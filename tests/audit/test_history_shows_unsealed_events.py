from shoumen.audit.models import AuditEvent
from shoumen.audit.sealing import audit_seal
from shoumen.audit.services import audit_event_record
from shoumen.registry.selectors import person_history


def test_a_persons_history_shows_events_before_and_after_they_are_sealed(world):
    person = world.shan
    sealed = audit_event_record(actor=world.grid_worker, action="test.sealed", target=person)
    audit_seal()
    waiting = audit_event_record(actor=world.grid_worker, action="test.waiting", target=person)
    history = list(person_history(world.grid_worker, person))
    assert [e.pk for e in history[:2]] == [waiting.pk, sealed.pk]  # newest first, by id
    assert isinstance(history[0], AuditEvent)
