"""Passes follow the registry and observation through announced events: checkpoints
subscribe at start-up, and a ledger import announces its moves once, in bulk."""

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints import handlers
from shoumen.checkpoints.models import Pass
from shoumen.checkpoints.services import pass_issue
from shoumen.ledgers.importing import ledger_import
from shoumen.lib import events
from shoumen.lib.events import (
    HouseholdMoved,
    ObservationEnded,
    ObservationStarted,
    PersonsMerged,
    PersonsMoved,
    PersonStatusChanged,
)
from tests.ledgers.ledgers import xlsx
from tests.personas import ID_SHAN, ID_ZENG


def test_checkpoints_handle_every_event_that_moves_or_stops_a_pass():
    subscribed = {
        HouseholdMoved: handlers.on_household_moved,
        ObservationEnded: handlers.on_observation_ended,
        ObservationStarted: handlers.on_observation_started,
        PersonsMerged: handlers.on_persons_merged,
        PersonsMoved: handlers.on_persons_moved,
        PersonStatusChanged: handlers.on_person_status_changed,
    }
    for event_type, handler in subscribed.items():
        assert handler in events.handlers_of(event_type), event_type.__name__


def test_an_import_moving_several_pass_holders_announces_one_bulk_move(world):
    zeng, shan = world.person("曾丽"), world.person("单明")
    passes = [pass_issue(actor=world.community_staff, person=p) for p in (zeng, shan)]
    heard: list[PersonsMoved] = []

    def record(event: PersonsMoved) -> None:
        heard.append(event)

    events.subscribe(PersonsMoved, record)
    try:
        ledger_import(
            actor=world.community_staff,
            org_unit=world.grid_a,
            data=xlsx(
                [
                    [1, "曾丽", "女", ID_ZENG, "", "5号楼", "2", "302", "户主", ""],
                    [2, "单明", "男", ID_SHAN, "", "5号楼", "2", "302", "其他", ""],
                ]
            ),
            filename="台账.xlsx",
            allow_moves=True,
        )
    finally:
        events.unsubscribe(PersonsMoved, record)
    assert len(heard) == 1
    new_household = world.person("曾丽").household_id
    assert {(m.person_id, m.household_id) for m in heard[0].moves} == {
        (zeng.pk, new_household),
        (shan.pk, new_household),
    }
    for pass_ in passes:
        pass_.refresh_from_db()
        assert pass_.household_id == new_household
    assert AuditEvent.objects.filter(action="pass.move").count() == 2


def test_an_import_that_moves_nobody_moves_no_pass(world):
    zeng = world.person("曾丽")
    pass_issue(actor=world.community_staff, person=zeng)
    ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=xlsx([[1, "曾丽", "女", ID_ZENG, "", "5号楼", "2", "302", "户主", ""]]),
        filename="台账.xlsx",
        allow_moves=False,
    )
    assert Pass.objects.get(person=zeng).household_id == zeng.household_id
    assert not AuditEvent.objects.filter(action="pass.move").exists()
