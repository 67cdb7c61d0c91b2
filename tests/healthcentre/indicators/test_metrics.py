"""The health centre's daily figures per grid and day, against hand counts of the built
world; a past day computed again, after later work, gives the same."""

import datetime

import pytest

from shoumen.healthcentre import metrics as health_metrics
from shoumen.healthcentre.models import ContractStatus, Referral
from shoumen.lib.metrics import metric_named
from tests.healthcentre.indicators import rows

METRICS = {m.name: m for m in health_metrics.metrics()}


def _value(name: str, world, day: datetime.date) -> dict[str, float]:
    grids = {world.grid_a.pk: "G1", world.grid_b.pk: "G2", world.unit("G4").pk: "G4"}
    values = METRICS[name].compute(list(grids), day)
    return {grids[k]: v for k, v in values.items()}


def test_follow_ups_count_by_the_patient_s_grid_and_day(built):
    assert _value("health.follow_ups", built, datetime.date(2026, 6, 1)) == {"G1": 1}
    assert _value("health.follow_ups", built, datetime.date(2026, 2, 1)) == {"G1": 1, "G2": 1}
    assert _value("health.follow_ups", built, datetime.date(2026, 6, 2)) == {}


def test_urgent_referrals_count_only_urgent_ones(built):
    assert _value("health.urgent_referrals", built, datetime.date(2026, 6, 1)) == {"G1": 1}
    # 曾丽's referral on 1 July was a routine one.
    assert _value("health.urgent_referrals", built, datetime.date(2026, 7, 1)) == {}


def test_contracts_signed_count_on_the_day_they_were_confirmed(built):
    assert _value("health.contracts_signed", built, datetime.date(2026, 1, 10)) == {"G1": 1}
    assert _value("health.contracts_signed", built, datetime.date(2026, 1, 11)) == {}


def test_contracts_in_force_stand_on_each_day(built):
    assert _value("health.contracts_active", built, datetime.date(2025, 6, 1)) == {"G1": 1}
    assert _value("health.contracts_active", built, datetime.date(2026, 1, 5)) == {}
    assert _value("health.contracts_active", built, datetime.date(2026, 9, 1)) == {"G1": 1}


def test_patients_under_management_by_disease(built):
    day = datetime.date(2026, 2, 15)
    assert _value("health.hypertension_patients", built, day) == {"G1": 2, "G2": 1}
    assert _value("health.diabetes_patients", built, day) == {"G2": 1}
    # 王刚's hypertension case ended on 1 March.
    later = datetime.date(2026, 3, 1)
    assert _value("health.hypertension_patients", built, later) == {"G1": 2}


def test_elderly_checks_count_on_the_day_done(built):
    assert _value("health.elderly_checks", built, datetime.date(2026, 5, 1)) == {"G1": 1}
    assert _value("health.elderly_checks", built, datetime.date(2026, 5, 2)) == {}


def test_a_past_day_computed_again_after_later_work_gives_the_same(built):
    day = datetime.date(2026, 6, 1)
    before = {name: _value(name, built, day) for name in METRICS}
    contract = built.shan.health_contracts.get()
    contract.status = ContractStatus.ENDED
    contract.closed_at = rows.at(datetime.date(2026, 8, 1))
    contract.save()
    patient = built.shan.chronic_cases.get()
    rows.follow_up(
        patient, datetime.date(2026, 8, 2), built.family_doctor, referral=Referral.URGENT
    )
    rows.contract(built.outsider_person, built.team_a, starts_on=datetime.date(2026, 8, 3))
    assert {name: _value(name, built, day) for name in METRICS} == before
    assert _value("health.contracts_active", built, datetime.date(2026, 8, 5)) == {"G4": 1}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_each_figure_is_registered_with_a_short_label(name):
    health_metrics.register()
    metric = metric_named(name)
    assert metric is not None
    assert metric.level == "grid"
    # Seen where the indicators are: by officers and the CDC, not by the registry alone.
    assert metric.perms == ("view_health_indicators",)
    assert len(str(metric.label)) <= 24
