"""The elderly's annual check, after 国家基本公共卫生服务规范(第三版): who is due in a year,
the self-care assessment's bands (老年人生活自理能力评估表), and the findings recorded.

Who is due: a resident reaches ``SHOUMEN_ELDERLY_CHECK_AGE`` within the year (born in or
before ``year - age``), that is aged at least that on 31 December, so that a resident
turning 65 in November is checked in that year. Residents without a birth date cannot be
placed and are not counted."""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.models import SelfCare
from shoumen.registry.models import birth_date_cutoff

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


def elderly_born_by(year: int) -> datetime.date:
    """The latest birth date of those due in ``year``: who is at least
    ``SHOUMEN_ELDERLY_CHECK_AGE`` on its 31 December."""
    return birth_date_cutoff(datetime.date(year, 12, 31), settings.SHOUMEN_ELDERLY_CHECK_AGE)


def is_due(birth_date: datetime.date | None, year: int) -> bool:
    return birth_date is not None and birth_date <= elderly_born_by(year)
