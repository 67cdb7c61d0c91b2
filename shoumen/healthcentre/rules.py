"""The rules of 国家基本公共卫生服务规范(第三版) for hypertension and type 2 diabetes
follow-ups: a follow-up's classification, referral and next date from its values.

Pure functions, no database; the numbers are settings read at call time.

Decisions where the standard's form leaves room:
- The form has one classification box. When several apply, the most serious wins:
  complication > adverse reaction > not controlled > controlled. "Complication" means a
  new complication reported at this follow-up.
- Control ("控制满意") is judged on the disease's own measure only: blood pressure for
  hypertension, fasting glucose for diabetes. A diabetic's urgent blood pressure refers
  them urgently but does not change the glucose-based classification.
- An urgent sign alone triggers an urgent referral, whatever the readings.
- Urgent referral and routine referral both bring the patient back (the referral's
  check) after SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS. A routine referral follows a new
  complication or SHOUMEN_CHRONIC_REFER_AFTER_UNCONTROLLED uncontrolled follow-ups in a
  row (this one included). A first uncontrolled follow-up or an adverse reaction means
  adjusting the medication and coming back after SHOUMEN_CHRONIC_ADJUST_DAYS; a
  controlled one after SHOUMEN_CHRONIC_ROUTINE_DAYS.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.models.chronic import Classification, Disease, Referral

MESSAGE_NEEDS_BLOOD_PRESSURE = _("A hypertension follow-up needs the blood pressure.")
MESSAGE_NEEDS_GLUCOSE = _("A diabetes follow-up needs the fasting glucose.")

# The symptoms on each disease's follow-up form (codes stored in FollowUp.symptoms).
SYMPTOMS: dict[str, tuple[tuple[str, object], ...]] = {
    Disease.HYPERTENSION: (
        ("headache_dizziness", _("Headache or dizziness")),
        ("nausea_vomiting", _("Nausea or vomiting")),
        ("blurred_vision_tinnitus", _("Blurred vision or tinnitus")),
        ("dyspnoea", _("Difficulty breathing")),
        ("palpitations_chest_tightness", _("Palpitations or chest tightness")),
        ("nosebleed", _("Nosebleed that does not stop")),
        ("limb_numbness", _("Numb limbs")),
        ("lower_limb_oedema", _("Swollen legs")),
    ),
    Disease.DIABETES: (
        ("polydipsia", _("Drinking much")),
        ("polyphagia", _("Eating much")),
        ("polyuria", _("Passing much urine")),
        ("blurred_vision", _("Blurred vision")),
        ("infection", _("Infection")),
        ("numb_hands_feet", _("Numb hands or feet")),
        ("oedema", _("Swelling")),
        ("weight_loss", _("Marked weight loss")),
    ),
}

# The signs that call for an urgent referral on their own (also stored in symptoms).
URGENT_SIGNS: dict[str, tuple[tuple[str, object], ...]] = {
    Disease.HYPERTENSION: (
        ("altered_consciousness", _("Altered consciousness")),
        ("severe_headache", _("Severe headache")),
        ("vomiting", _("Vomiting")),
        ("sudden_blurred_vision", _("Blurred vision or eye pain")),
        ("palpitations", _("Palpitations or chest tightness")),
        ("orthopnoea", _("Breathless, cannot lie flat")),
        ("pregnant_or_lactating", _("Pregnant or breastfeeding with raised blood pressure")),
    ),
    Disease.DIABETES: (
        ("altered_consciousness", _("Altered consciousness or behaviour")),
        ("acetone_breath", _("Breath smelling of rotten apples (acetone)")),
        ("deep_fast_breathing", _("Deep, fast breathing")),
        ("palpitations_sweating", _("Palpitations or sweating")),
        ("nausea_vomiting_abdominal_pain", _("Loss of appetite, nausea, vomiting or belly pain")),
        ("tachycardia", _("Heart rate above 100 at rest")),
        ("fever", _("Temperature 39 °C or above")),
        ("sudden_vision_loss", _("Sudden loss of vision")),
        ("pregnant_or_lactating", _("Pregnant or breastfeeding with raised glucose")),
    ),
}


@dataclass(frozen=True)
class Assessment:
    classification: str  # a Classification value
    referral: str  # a Referral value
    next_follow_up_on: datetime.date
    reasons: tuple[str, ...]  # shown before saving, in the active language
    # Whether the disease's own measure is on target (the control rate counts this).
    controlled: bool = True


def symptom_label(disease: str, code: str) -> str:
    for choices in (SYMPTOMS.get(disease, ()), URGENT_SIGNS.get(disease, ())):
        for known, label in choices:
            if known == code:
                return str(label)
    return code


def hypertension_targets(age: int | None) -> tuple[int, int]:
    """The blood pressure below which a hypertensive patient of this age is controlled."""
    elderly = age is not None and age >= settings.SHOUMEN_HT_ELDERLY_AGE
    systolic = (
        settings.SHOUMEN_HT_ELDERLY_TARGET_SYSTOLIC
        if elderly
        else settings.SHOUMEN_HT_TARGET_SYSTOLIC
    )
    return systolic, settings.SHOUMEN_HT_TARGET_DIASTOLIC


def first_visit_offers_registration(*, age: int | None, systolic: int, diastolic: int) -> bool:
    """A first-visit blood pressure reading of a resident from SHOUMEN_HT_SCREEN_AGE at or
    above 140/90 (the hypertension targets' numbers) offers registering them."""
    return (
        age is not None
        and age >= settings.SHOUMEN_HT_SCREEN_AGE
        and (
            systolic >= settings.SHOUMEN_HT_TARGET_SYSTOLIC
            or diastolic >= settings.SHOUMEN_HT_TARGET_DIASTOLIC
        )
    )


def _urgent_reasons(
    *,
    disease: str,
    systolic: int | None,
    diastolic: int | None,
    fasting_glucose: Decimal | None,
    symptoms: set[str],
) -> list[str]:
    reasons = []
    urgent_sys, urgent_dia = (
        settings.SHOUMEN_HT_URGENT_SYSTOLIC,
        settings.SHOUMEN_HT_URGENT_DIASTOLIC,
    )
    if (systolic is not None and systolic >= urgent_sys) or (
        diastolic is not None and diastolic >= urgent_dia
    ):
        reasons.append(
            gettext("BP %(sbp)s/%(dbp)s ≥ %(usbp)s/%(udbp)s: urgent referral")
            % {
                "sbp": systolic if systolic is not None else "–",
                "dbp": diastolic if diastolic is not None else "–",
                "usbp": urgent_sys,
                "udbp": urgent_dia,
            }
        )
    if disease == Disease.DIABETES and fasting_glucose is not None:
        high = Decimal(settings.SHOUMEN_DM_URGENT_HIGH_GLUCOSE)
        low = Decimal(settings.SHOUMEN_DM_URGENT_LOW_GLUCOSE)
        if fasting_glucose >= high:
            reasons.append(
                gettext("Glucose %(value)s ≥ %(limit)s mmol/L: urgent referral")
                % {"value": fasting_glucose, "limit": high}
            )
        elif fasting_glucose <= low:
            reasons.append(
                gettext("Glucose %(value)s ≤ %(limit)s mmol/L: urgent referral")
                % {"value": fasting_glucose, "limit": low}
            )
    for code, label in URGENT_SIGNS.get(disease, ()):
        if code in symptoms:
            reasons.append(gettext("%(sign)s: urgent referral") % {"sign": label})
    return reasons


def _control(
    *,
    disease: str,
    age: int | None,
    systolic: int | None,
    diastolic: int | None,
    fasting_glucose: Decimal | None,
) -> tuple[bool, str]:
    if disease == Disease.HYPERTENSION:
        if systolic is None or diastolic is None:
            raise ValueError(str(MESSAGE_NEEDS_BLOOD_PRESSURE))
        target_sys, target_dia = hypertension_targets(age)
        controlled = systolic < target_sys and diastolic < target_dia
        template = (
            gettext("BP %(sbp)s/%(dbp)s below %(tsbp)s/%(tdbp)s: controlled")
            if controlled
            else gettext("BP %(sbp)s/%(dbp)s not below %(tsbp)s/%(tdbp)s: not controlled")
        )
        values = {"sbp": systolic, "dbp": diastolic, "tsbp": target_sys, "tdbp": target_dia}
        return controlled, template % values
    if fasting_glucose is None:
        raise ValueError(str(MESSAGE_NEEDS_GLUCOSE))
    target = Decimal(settings.SHOUMEN_DM_TARGET_GLUCOSE)
    controlled = fasting_glucose < target
    template = (
        gettext("Glucose %(value)s below %(limit)s mmol/L: controlled")
        if controlled
        else gettext("Glucose %(value)s not below %(limit)s mmol/L: not controlled")
    )
    return controlled, template % {"value": fasting_glucose, "limit": target}


def is_controlled(
    *,
    disease: str,
    age: int | None,
    systolic: int | None,
    diastolic: int | None,
    fasting_glucose: Decimal | None,
) -> bool:
    """Whether a follow-up's readings are on target ("控制满意" as the control rate reads
    it); False when the disease's own measure is missing."""
    try:
        controlled, _reason = _control(
            disease=disease,
            age=age,
            systolic=systolic,
            diastolic=diastolic,
            fasting_glucose=None if fasting_glucose is None else Decimal(fasting_glucose),
        )
    except ValueError:
        return False
    return controlled


def assess(
    *,
    disease: str,
    age: int | None,
    day: datetime.date,
    systolic: int | None,
    diastolic: int | None,
    fasting_glucose: Decimal | None,
    symptoms: Iterable[str],
    adverse_reaction: bool,
    new_complication: bool,
    uncontrolled_before: int,
) -> Assessment:
    """Classify a follow-up and say whether to refer and when to come back.

    ``uncontrolled_before`` is the patient's count of uncontrolled follow-ups in a row
    before this one. Raises ValueError when the disease's own measure is missing."""
    if fasting_glucose is not None:
        fasting_glucose = Decimal(fasting_glucose)
    controlled, control_reason = _control(
        disease=disease,
        age=age,
        systolic=systolic,
        diastolic=diastolic,
        fasting_glucose=fasting_glucose,
    )
    reasons = [control_reason]
    urgent = _urgent_reasons(
        disease=disease,
        systolic=systolic,
        diastolic=diastolic,
        fasting_glucose=fasting_glucose,
        symptoms=set(symptoms),
    )
    reasons += urgent

    if new_complication:
        classification = Classification.COMPLICATION
    elif adverse_reaction:
        classification = Classification.ADVERSE_REACTION
    elif not controlled:
        classification = Classification.UNSATISFACTORY
    else:
        classification = Classification.SATISFACTORY

    in_a_row = uncontrolled_before + 1 if not controlled else 0
    refer_after = settings.SHOUMEN_CHRONIC_REFER_AFTER_UNCONTROLLED
    check_days = settings.SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS
    if urgent:
        referral, days = Referral.URGENT, check_days
    elif new_complication:
        referral, days = Referral.ROUTINE, check_days
        reasons.append(gettext("New complication: referral"))
    elif not controlled and in_a_row >= refer_after:
        referral, days = Referral.ROUTINE, check_days
        reasons.append(
            gettext("Not controlled %(count)s times in a row: referral") % {"count": in_a_row}
        )
    elif not controlled or adverse_reaction:
        referral, days = Referral.NONE, settings.SHOUMEN_CHRONIC_ADJUST_DAYS
        if adverse_reaction:
            reasons.append(gettext("Adverse drug reaction: adjust the medicines"))
        else:
            reasons.append(gettext("Not controlled: adjust the medicines"))
    else:
        referral, days = Referral.NONE, settings.SHOUMEN_CHRONIC_ROUTINE_DAYS
    if referral != Referral.NONE:
        reasons.append(gettext("Check the referral in %(days)s days") % {"days": days})
    return Assessment(
        classification=str(classification),
        referral=str(referral),
        next_follow_up_on=day + datetime.timedelta(days=days),
        reasons=tuple(reasons),
        controlled=controlled,
    )
