"""The indicators against hand counts of the built world (tests/healthcentre/indicators/
conftest.py): community C1 has six residents (单明, 曾丽, 单小宝 in G1; 王刚 and two
elderly women in G2); 单明 holds the one contract in force, 王刚's waits for the team."""

import datetime

from shoumen.healthcentre.indicators import area_indicators, indicators_for
from shoumen.healthcentre.models import Classification, Disease
from tests.healthcentre.indicators import rows
from tests.healthcentre.indicators.conftest import DAY

HT, DM = Disease.HYPERTENSION, Disease.DIABETES


def _of(world, code="C1", **kw):
    return indicators_for(world.admin_user, world.unit(code), 2026, day=kw.pop("day", DAY))


def test_contract_rate_counts_residents_with_a_contract_in_force(built):
    ind = _of(built)
    assert (ind.contract_rate.numerator, ind.contract_rate.denominator) == (1, 6)
    assert ind.contract_rate.rate == 16.7


def test_a_contract_counts_on_its_last_day_and_not_the_day_after(built):
    ends = datetime.date(2027, 1, 9)
    assert (
        indicators_for(built.admin_user, built.community, 2027, day=ends).contract_rate.numerator
        == 1
    )
    after = ends + datetime.timedelta(days=1)
    assert (
        indicators_for(built.admin_user, built.community, 2027, day=after).contract_rate.numerator
        == 0
    )


def test_a_contract_renewed_later_counted_on_a_day_of_its_term(built):
    ind = indicators_for(built.admin_user, built.community, 2025, day=datetime.date(2025, 6, 1))
    # 曾丽's contract of 2025, closed on 2026-01-01, was in force then.
    assert ind.contract_rate.numerator == 1


def test_the_street_and_district_count_their_residents(built):
    assert _of(built, "S1").contract_rate.denominator == 6
    district = _of(built, "D1").contract_rate
    assert (district.numerator, district.denominator) == (1, 7)


def test_standard_management_counts_patients_with_four_follow_ups_in_the_year(built):
    ind = _of(built)
    ht, dm = ind.standard_management[HT], ind.standard_management[DM]
    # 曾丽 five this year, 单明 three (his fourth was last year); the ended case left out.
    assert (ht.numerator, ht.denominator) == (1, 2)
    assert (dm.numerator, dm.denominator) == (1, 1)
    assert ind.patients == {HT: 2, DM: 1}


def test_standard_management_follows_the_setting(built, settings):
    settings.SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR = 3
    assert _of(built).standard_management[HT].numerator == 2
    settings.SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR = 6
    assert _of(built).standard_management[HT].numerator == 0


def test_follow_ups_after_the_day_do_not_count_yet(built):
    ind = indicators_for(built.admin_user, built.community, 2026, day=datetime.date(2026, 7, 10))
    # 单明 and 曾丽 had three by then, 王刚 two (and one of his ended case).
    assert ind.standard_management[HT].numerator == 0
    assert ind.follow_ups == 3 + 3 + 2 + 1


def test_control_rate_reads_each_patient_s_latest_follow_up_of_the_year(built):
    ind = _of(built)
    ht, dm = ind.control[HT], ind.control[DM]
    assert (ht.numerator, ht.denominator) == (1, 2)  # 单明's latest not controlled
    assert (dm.numerator, dm.denominator) == (1, 1)


def test_a_patient_not_followed_up_in_the_year_is_not_in_the_control_rate(built):
    ind = indicators_for(built.admin_user, built.community, 2027, day=datetime.date(2027, 3, 1))
    assert ind.control[HT].denominator == 0
    assert ind.control[HT].rate is None


def test_elderly_coverage_counts_those_reaching_the_age_within_the_year(built):
    cover = _of(built).elderly_check_coverage
    # 曾丽 (checked) and the woman turning 65 on 31 December (only booked); not the one
    # born the day after.
    assert (cover.numerator, cover.denominator) == (1, 2)


def test_elderly_coverage_follows_the_age_setting(built, settings):
    settings.SHOUMEN_ELDERLY_CHECK_AGE = 64
    assert _of(built).elderly_check_coverage.denominator == 3


def test_referrals_are_followed_up_within_the_window_or_not(built):
    ref = _of(built).referral_follow_up
    # 单明's checked on day 14, 曾丽's on day 15; her August referral's window is open.
    assert (ref.numerator, ref.denominator) == (1, 2)


def test_a_referral_is_checked_by_the_day_it_set_not_by_today_s_setting(built, settings):
    settings.SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS = 15
    ref = _of(built).referral_follow_up
    assert (ref.numerator, ref.denominator) == (1, 2)


def test_a_referral_checked_before_its_day_counts_while_its_window_is_open(built):
    p_zeng = built.zeng.chronic_cases.get()
    rows.follow_up(p_zeng, datetime.date(2026, 8, 30), built.family_doctor)
    ref = _of(built).referral_follow_up
    assert (ref.numerator, ref.denominator) == (2, 3)


def test_control_reads_the_readings_not_the_box(built):
    """A reading on target with a drug reaction is stored as 不良反应 but is controlled."""
    p_wang = built.neighbour.chronic_cases.get(status="active")
    rows.follow_up(
        p_wang,
        datetime.date(2026, 8, 28),
        built.family_doctor,
        classification=Classification.ADVERSE_REACTION,
        fasting_glucose=6,
    )
    assert _of(built).control[DM].numerator == 1


def test_counts_of_follow_ups_overdue_patients_and_pending_contracts(built):
    ind = _of(built)
    assert ind.follow_ups == 3 + 5 + 4 + 1
    assert ind.overdue_patients == 1  # 单明, due on 29 June
    assert ind.pending_contracts == 1


def test_a_team_counts_its_grids_and_its_own_patients(built):
    ind = area_indicators(rows.team_area(built.team_a), 2026, day=DAY)
    assert (ind.contract_rate.numerator, ind.contract_rate.denominator) == (1, 3)
    assert ind.patients == {HT: 2, DM: 0}
    assert ind.pending_contracts == 0
    other = area_indicators(rows.team_area(built.team_b), 2026, day=DAY)
    assert other.patients == {HT: 0, DM: 1}
    assert other.pending_contracts == 1


def test_the_api_shape_of_the_indicators(built):
    shape = _of(built).as_dict()
    assert shape["contract_rate"] == {"numerator": 1, "denominator": 6, "rate": 16.7}
    assert set(shape["standard_management"]) == {"hypertension", "diabetes"}
    assert shape["referral_follow_up"]["rate"] == 50.0


def test_selector_queries_are_few(built, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        _of(built)
