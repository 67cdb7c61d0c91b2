"""A contract's term and its renewal, with frozen time: confirmed today, it ends after
the term's months less a day; it may be renewed in its last notice days, the new term
starting the day after the old one ends; one team at a time."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shoumen.healthcentre.contract_selectors import contracts_active_on
from shoumen.healthcentre.contract_services import (
    ERR_ALREADY_OPEN,
    ERR_TOO_EARLY,
    add_months,
    contract_change,
    contract_confirm,
    contract_renew,
    contract_request,
    contract_sign,
)
from shoumen.healthcentre.models import Contract, ContractStatus
from tests.healthcentre.contracts.helpers import at

pytestmark = pytest.mark.django_db


def test_confirmed_contract_runs_twelve_months_less_a_day(world):
    with at("2026-03-15"):
        contract, _ = contract_request(team=world.team_a, person=world.shan)
        assert contract.status == ContractStatus.PENDING
        assert contract.source == "qr"
        contract = contract_confirm(actor=world.family_doctor, contract=contract)
    assert contract.status == ContractStatus.ACTIVE
    assert contract.starts_on == datetime.date(2026, 3, 15)
    assert contract.ends_on == datetime.date(2027, 3, 14)
    assert [p.code for p in contract.packages.all()] == ["basic"]


def test_term_follows_the_setting(world, settings):
    settings.SHOUMEN_CONTRACT_TERM_MONTHS = 6
    with at("2026-08-31"):
        contract, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    assert contract.ends_on == datetime.date(2027, 2, 27)


def test_add_months_keeps_to_the_month_end():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


def test_signer_on_the_team_makes_it_active_at_once(world):
    with at("2026-03-15"):
        contract, created = contract_sign(
            actor=world.family_doctor, person=world.shan, team=world.team_a, packages=["elderly"]
        )
    assert created and contract.status == ContractStatus.ACTIVE
    assert contract.source == "staff"
    assert sorted(p.code for p in contract.packages.all()) == ["basic", "elderly"]


def test_manager_not_on_the_team_signs_a_pending_contract(world):
    contract, _ = contract_sign(actor=world.centre_manager, person=world.shan, team=world.team_a)
    assert contract.status == ContractStatus.PENDING
    assert contract.starts_on is None


def test_one_team_at_a_time(world):
    contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    with pytest.raises(ValidationError) as exc:
        contract_sign(actor=world.centre_manager, person=world.shan, team=world.team_b)
    assert exc.value.message_dict["person"] == [str(ERR_ALREADY_OPEN)]
    with pytest.raises(ValidationError):
        contract_request(team=world.team_b, person=world.shan)
    assert Contract.objects.filter(person=world.shan).count() == 1


def _signed(world, day="2026-03-15"):
    with at(day):
        contract, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    return contract


def test_renewal_refused_31_days_before_the_end(world):
    contract = _signed(world)  # ends 2027-03-14
    with at("2027-02-11"), pytest.raises(ValidationError) as exc:
        contract_renew(actor=world.family_doctor, contract=contract)
    assert exc.value.messages == [str(ERR_TOO_EARLY % {"days": 30})]


def test_renewal_30_days_before_the_end_starts_the_day_after(world):
    contract = _signed(world)
    with at("2027-02-12"):
        new = contract_renew(actor=world.family_doctor, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RENEWED
    assert new.status == ContractStatus.ACTIVE and new.source == "renewal"
    assert new.renewed_from_id == contract.pk
    assert new.starts_on == datetime.date(2027, 3, 15)
    assert new.ends_on == datetime.date(2028, 3, 14)
    # Under contract every day, once: the old term to its end, then the new one.
    qs = Contract.objects.filter(person=world.shan)
    for day in ("2027-02-12", "2027-03-14", "2027-03-15"):
        assert contracts_active_on(qs, datetime.date.fromisoformat(day)).count() == 1


def test_change_to_another_team_awaits_the_new_team(world):
    contract = _signed(world)
    new = contract_change(actor=world.family_doctor, contract=contract, team=world.team_b)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CHANGED
    assert new.status == ContractStatus.PENDING and new.team == world.team_b
