"""Who sees which unit's indicators: the centre's people their communities, officers their
area, the CDC the district; nobody without VIEW_HEALTH_INDICATORS."""

import pytest

from shoumen.healthcentre.indicators import indicator_unit_for, indicator_units, indicators_for
from shoumen.places.models import OrgUnit
from tests.healthcentre.indicators.conftest import DAY


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("family_doctor", "C1"),
        ("centre_manager", "C1"),
        ("community_staff", "C1"),
        ("street_officer", "S1"),
        ("district_officer", "D1"),
        ("cdc_officer", "D1"),
    ],
)
def test_each_role_sees_the_indicators_of_its_area(built, persona, code):
    user = getattr(built, persona)
    assert indicators_for(user, built.unit(code), 2026, day=DAY).contract_rate.denominator >= 6


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("family_doctor", "S1"),
        ("family_doctor", "C3"),
        ("outsider", "C1"),
        ("grid_worker", "C1"),
        ("volunteer", "C1"),
        ("teacher", "D1"),
    ],
)
def test_a_unit_out_of_reach_is_not_found(built, persona, code):
    with pytest.raises(OrgUnit.DoesNotExist):
        indicators_for(getattr(built, persona), built.unit(code), 2026, day=DAY)


def test_the_units_offered_are_the_district_streets_and_communities_in_reach(world):
    assert list(indicator_units(world.family_doctor).values_list("code", flat=True)) == ["C1"]
    street = indicator_units(world.street_officer).values_list("code", flat=True)
    assert list(street) == ["S1", "C1", "C2"]
    assert indicator_unit_for(world.cdc_officer, "S2").code == "S2"
    with pytest.raises(OrgUnit.DoesNotExist):
        indicator_unit_for(world.street_officer, "G1")
