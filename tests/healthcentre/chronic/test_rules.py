"""Classification, referral and next date at each boundary of the standard's rules."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from shoumen.healthcentre.rules import assess, first_visit_offers_registration

DAY = datetime.date(2026, 5, 1)


def ht(sbp, dbp, *, age=50, before=0, symptoms=(), adverse=False, complication=False):
    return assess(
        disease="I10",
        age=age,
        day=DAY,
        systolic=sbp,
        diastolic=dbp,
        fasting_glucose=None,
        symptoms=symptoms,
        adverse_reaction=adverse,
        new_complication=complication,
        uncontrolled_before=before,
    )


def dm(glucose, *, sbp=None, dbp=None, before=0, symptoms=()):
    return assess(
        disease="E11",
        age=60,
        day=DAY,
        systolic=sbp,
        diastolic=dbp,
        fasting_glucose=Decimal(glucose),
        symptoms=symptoms,
        adverse_reaction=False,
        new_complication=False,
        uncontrolled_before=before,
    )


def days(assessment):
    return (assessment.next_follow_up_on - DAY).days


def test_139_89_under_65_is_controlled_and_seen_in_a_quarter():
    a = ht(139, 89)
    assert (a.classification, a.referral, days(a)) == ("satisfactory", "none", 90)


@pytest.mark.parametrize(("sbp", "dbp"), [(140, 89), (139, 90), (140, 90)])
def test_140_or_90_under_65_is_not_controlled_and_back_in_two_weeks(sbp, dbp):
    a = ht(sbp, dbp)
    assert (a.classification, a.referral, days(a)) == ("unsatisfactory", "none", 14)


@pytest.mark.parametrize(
    ("age", "sbp", "dbp", "expected"),
    [
        (65, 149, 89, "satisfactory"),
        (65, 150, 89, "unsatisfactory"),
        (65, 149, 90, "unsatisfactory"),
        (64, 149, 89, "unsatisfactory"),
        (64, 139, 89, "satisfactory"),
    ],
)
def test_the_elderly_target_of_150_starts_at_65(age, sbp, dbp, expected):
    assert ht(sbp, dbp, age=age).classification == expected


def test_unknown_age_uses_the_younger_target():
    assert ht(145, 80, age=None).classification == "unsatisfactory"


def test_179_109_is_not_urgent():
    assert ht(179, 109).referral == "none"


@pytest.mark.parametrize(("sbp", "dbp"), [(180, 100), (170, 110), (180, 110), (182, 112)])
def test_180_or_110_is_an_urgent_referral_checked_in_two_weeks(sbp, dbp):
    with translation.override("en"):  # the reasons asserted in English
        a = ht(sbp, dbp)
    assert (a.classification, a.referral, days(a)) == ("unsatisfactory", "urgent", 14)
    assert any("urgent" in reason for reason in a.reasons)


def test_an_urgent_sign_alone_refers_urgently():
    a = ht(130, 80, symptoms=["orthopnoea"])
    assert (a.classification, a.referral) == ("satisfactory", "urgent")


def test_an_ordinary_symptom_does_not_refer():
    assert ht(130, 80, symptoms=["headache_dizziness"]).referral == "none"


def test_second_uncontrolled_in_a_row_is_a_referral():
    a = ht(150, 95, before=1)
    assert (a.classification, a.referral, days(a)) == ("unsatisfactory", "routine", 14)


def test_a_controlled_reading_after_an_uncontrolled_one_is_not_referred():
    assert ht(130, 80, before=1).referral == "none"


def test_a_new_complication_refers_and_outranks_the_other_classes():
    a = ht(150, 95, adverse=True, complication=True)
    assert (a.classification, a.referral, days(a)) == ("complication", "routine", 14)


def test_an_adverse_reaction_outranks_uncontrolled_and_comes_back_in_two_weeks():
    a = ht(130, 80, adverse=True)
    assert (a.classification, a.referral, days(a)) == ("adverse_reaction", "none", 14)
    assert ht(150, 95, adverse=True).classification == "adverse_reaction"


def test_hypertension_without_blood_pressure_is_refused():
    with pytest.raises(ValueError):
        ht(None, None)


def test_a_changed_setting_moves_the_boundary(settings):
    settings.SHOUMEN_HT_TARGET_SYSTOLIC = 130
    assert ht(135, 80).classification == "unsatisfactory"
    settings.SHOUMEN_HT_URGENT_SYSTOLIC = 170
    assert ht(175, 80).referral == "urgent"
    settings.SHOUMEN_CHRONIC_ROUTINE_DAYS = 60
    assert days(ht(120, 80)) == 60
    settings.SHOUMEN_DM_TARGET_GLUCOSE = Decimal("6.5")
    assert dm("6.6").classification == "unsatisfactory"


@pytest.mark.parametrize(
    ("glucose", "classification", "referral", "after"),
    [
        ("3.9", "satisfactory", "urgent", 14),
        ("4.0", "satisfactory", "none", 90),
        ("6.9", "satisfactory", "none", 90),
        ("7.0", "unsatisfactory", "none", 14),
        ("16.6", "unsatisfactory", "none", 14),
        ("16.7", "unsatisfactory", "urgent", 14),
    ],
)
def test_diabetes_glucose_boundaries(glucose, classification, referral, after):
    a = dm(glucose)
    assert (a.classification, a.referral, days(a)) == (classification, referral, after)


@pytest.mark.parametrize(
    ("sbp", "dbp", "referral"), [(179, 109, "none"), (180, 80, "urgent"), (120, 110, "urgent")]
)
def test_a_diabetic_is_referred_urgently_at_the_urgent_blood_pressure(sbp, dbp, referral):
    assert dm("6.0", sbp=sbp, dbp=dbp).referral == referral


def test_a_diabetes_urgent_sign_refers():
    assert dm("6.0", symptoms=["acetone_breath"]).referral == "urgent"


def test_second_uncontrolled_diabetes_follow_up_is_a_referral():
    assert dm("8.0", before=1).referral == "routine"


def test_diabetes_without_glucose_is_refused():
    with pytest.raises(ValueError):
        assess(
            disease="E11",
            age=60,
            day=DAY,
            systolic=120,
            diastolic=80,
            fasting_glucose=None,
            symptoms=(),
            adverse_reaction=False,
            new_complication=False,
            uncontrolled_before=0,
        )


@pytest.mark.parametrize(
    ("age", "sbp", "dbp", "offered"),
    [
        (35, 140, 80, True),
        (35, 130, 90, True),
        (35, 139, 89, False),
        (34, 160, 100, False),
        (None, 160, 100, False),
    ],
)
def test_a_first_visit_reading_offers_registration_from_35_at_140_90(age, sbp, dbp, offered):
    assert first_visit_offers_registration(age=age, systolic=sbp, diastolic=dbp) is offered


def test_the_screening_age_is_a_setting(settings):
    settings.SHOUMEN_HT_SCREEN_AGE = 40
    assert not first_visit_offers_registration(age=39, systolic=150, diastolic=95)
