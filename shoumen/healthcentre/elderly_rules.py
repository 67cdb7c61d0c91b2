"""The elderly's annual check, after 国家基本公共卫生服务规范(第三版): who is due in a year,
the self-care assessment's bands (老年人生活自理能力评估表), and the findings recorded.

Who is due: a resident reaches ``SHOUMEN_ELDERLY_CHECK_AGE`` within the year (born in or
before ``year - age``), that is aged at least that on 31 December, so that a resident
turning 65 in November is checked in that year. Residents without a birth date cannot be
placed and are not counted."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.models import SelfCare

# The self-care score's band boundaries: 0–3 independent, 4–8 mild, 9–18 moderate,
# 19 and above not self-caring; the form's scores add up to at most 30.
SELF_CARE_INDEPENDENT_MAX = 3
SELF_CARE_MILD_MAX = 8
SELF_CARE_MODERATE_MAX = 18
SELF_CARE_SCORE_MAX = 30

# The examination's and tests' findings, each kept as {"value": text, "abnormal": bool}.
FINDINGS = (
    ("blood_pressure", _("Blood pressure")),
    ("fasting_glucose", _("Fasting glucose")),
    ("lipids", _("Blood lipids")),
    ("ecg", _("ECG")),
    ("abdominal_ultrasound", _("Abdominal ultrasound")),
    ("blood_routine", _("Blood routine")),
    ("urine_routine", _("Urine routine")),
    ("liver_function", _("Liver function")),
    ("kidney_function", _("Kidney function")),
)
FINDING_KEYS = tuple(key for key, _label in FINDINGS)
FINDING_VALUE_MAX = 100


def self_care_band(score: int) -> SelfCare:
    if score <= SELF_CARE_INDEPENDENT_MAX:
        return SelfCare.INDEPENDENT
    if score <= SELF_CARE_MILD_MAX:
        return SelfCare.MILD
    if score <= SELF_CARE_MODERATE_MAX:
        return SelfCare.MODERATE
    return SelfCare.DEPENDENT


def elderly_age() -> int:
    return settings.SHOUMEN_ELDERLY_CHECK_AGE


def latest_birth_year_due(year: int) -> int:
    """Residents born in this year or earlier are due for the check in ``year``."""
    return year - elderly_age()


def is_due(birth_date, year: int) -> bool:
    return birth_date is not None and birth_date.year <= latest_birth_year_due(year)
