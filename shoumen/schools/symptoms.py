"""The watched symptoms of WS/T 772-2020, plus jaundice: the codes checks and the API use.
``SHOUMEN_SCHOOL_EXTRA_SYMPTOMS`` (code → label) adds those of the epidemic of the day."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

WATCHED = {
    "fever": _("Fever"),
    "cough": _("Cough"),
    "headache": _("Headache"),
    "sore_throat": _("Sore throat"),
    "parotid_swelling": _("Parotid swelling"),
    "abdominal_pain": _("Abdominal pain"),
    "diarrhoea": _("Diarrhoea"),
    "vomiting": _("Vomiting"),
    "rash": _("Rash"),
    "dizziness": _("Dizziness"),
    "fatigue": _("Fatigue"),
    "conjunctival_congestion": _("Conjunctival congestion"),
    "jaundice": _("Jaundice"),
}

# Respiratory symptoms that, with a temperature at or above the ILI threshold, make an ILI.
ILI_RESPIRATORY = ("cough", "sore_throat")


def watched_symptoms() -> dict[str, str]:
    """Code → label of every symptom a check may record, in display order."""
    return {**WATCHED, **getattr(settings, "SHOUMEN_SCHOOL_EXTRA_SYMPTOMS", {})}


def symptom_choices() -> list[tuple[str, str]]:
    return list(watched_symptoms().items())
