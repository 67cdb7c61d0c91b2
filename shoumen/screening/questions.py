"""The question library screening rounds choose from. A round stores a snapshot of the
questions it asks (its questionnaire version), so later edits here never change the
meaning of answers already given."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class QuestionType:
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI = "multi"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: object  # a lazy translation
    choices: tuple[tuple[str, object], ...] = field(default=())
    # The question only applies when another one was answered yes.
    depends_on: str = ""


VULNERABLE_CHOICES = (
    ("elderly_alone", _("Elderly living alone")),
    ("pregnant", _("Pregnant")),
    ("chronic", _("Chronic disease")),
    ("disabled", _("Disabled")),
    ("needs_supplies", _("Needs help with supplies or medicine")),
)

LIBRARY: dict[str, Question] = {
    q.code: q
    for q in (
        Question(
            "risk_travel",
            QuestionType.YES_NO,
            _("Has anyone in the household been to a risk area in the last 14 days?"),
        ),
        Question("risk_area", QuestionType.TEXT, _("Which area?"), depends_on="risk_travel"),
        Question("arrival_date", QuestionType.DATE, _("Arrival date"), depends_on="risk_travel"),
        Question(
            "symptoms",
            QuestionType.YES_NO,
            _("Does anyone in the household have fever, cough or other symptoms?"),
        ),
        Question("temperatures_taken", QuestionType.YES_NO, _("Were temperatures taken?")),
        Question("members_present", QuestionType.NUMBER, _("Household members present")),
        Question(
            "vulnerable",
            QuestionType.MULTI,
            _("Vulnerable members"),
            choices=VULNERABLE_CHOICES,
        ),
        Question("notes", QuestionType.TEXT, _("Notes")),
    )
}

DEFAULT_QUESTIONS = (
    "risk_travel",
    "risk_area",
    "arrival_date",
    "symptoms",
    "temperatures_taken",
    "members_present",
    "vulnerable",
)


def snapshot(codes) -> list[dict]:
    """The questions as stored with a questionnaire version (texts in the current language)."""
    return [
        {
            "code": LIBRARY[code].code,
            "type": LIBRARY[code].type,
            "text": str(LIBRARY[code].text),
            "choices": [[value, str(label)] for value, label in LIBRARY[code].choices],
            "depends_on": LIBRARY[code].depends_on,
        }
        for code in codes
    ]


def _renderings(text) -> set[str]:
    """The library text as it reads in each language a questionnaire may have been made in."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return found


def localized(question: dict) -> dict:
    """A stored question in the current language. A library question stored with the
    library's own words (in any language) reads in the reader's language; a text that was
    changed after it was stored is shown as stored, since its answers were given to it."""
    known = LIBRARY.get(question.get("code", ""))
    if known is None or question.get("text") not in _renderings(known.text):
        return question
    labels = dict(known.choices)
    choices = [
        [value, str(labels[value]) if label in _renderings(labels.get(value, "")) else label]
        for value, label in question.get("choices", [])
    ]
    return {**question, "text": str(known.text), "choices": choices}


def localized_all(questions) -> list[dict]:
    return [localized(q) for q in questions]
