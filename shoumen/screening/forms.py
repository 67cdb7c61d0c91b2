"""Forms of the screening pages. The visit form is built from the questions of the round's
questionnaire version, so the inputs are typed the way the answers are stored."""

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib.forms import StyledForm
from shoumen.lib.names import mask_name
from shoumen.lib.widgets import DateInput
from shoumen.observation.fields import TemperatureField
from shoumen.observation.models import SYMPTOMS, HealthReport, Kind, Reason
from shoumen.places.models import Level
from shoumen.screening import questions as library
from shoumen.screening.extras import extra_fields, extra_values, split_extra_name
from shoumen.screening.models import Method, Outcome
from shoumen.screening.services import ERR_TEMPERATURE_NEEDED

ERR_MEMBER_REPORT_ABSENT = _("Temperature and symptoms are recorded for members present only.")
ERR_PICK_TASKS = _("Tick the households to reassign.")
GRID_INDENT = "\u3000"
YES, NO = "yes", "no"
TEMPERATURES_TAKEN = "q_temperatures_taken"
YES_NO_CHOICES = [(YES, _("Yes")), (NO, _("No"))]


def question_choices():
    return [(q.code, q.text) for q in library.LIBRARY.values()]


class RoundForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=100)
    # A number, not a choice: a unit outside the actor's scope is a 404 from the view.
    scope = forms.IntegerField(
        label=_("Grid, community or street"), widget=forms.Select, required=True
    )
    purpose = forms.CharField(
        label=_("Purpose"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    questions = forms.MultipleChoiceField(
        label=_("Questions"),
        choices=question_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(library.DEFAULT_QUESTIONS),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = [("", "---------")] + [
            (u.pk, u.name if u.level != Level.GRID else f"{GRID_INDENT}{u.name}") for u in units
        ]


class QuestionsForm(StyledForm):
    questions = forms.MultipleChoiceField(
        label=_("Questions"), choices=question_choices, widget=forms.CheckboxSelectMultiple
    )


class ReassignForm(StyledForm):
    tasks = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)
    assignee = forms.TypedChoiceField(label=_("Give to"), coerce=int)

    def __init__(self, *args, task_ids, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = cast(forms.TypedMultipleChoiceField, self.fields["tasks"])
        tasks.choices = [(pk, pk) for pk in task_ids]
        tasks.error_messages["required"] = ERR_PICK_TASKS
        assignee = cast(forms.TypedChoiceField, self.fields["assignee"])
        assignee.choices = [("", "---------")] + [(u.pk, str(u)) for u in candidates]


def _member_label(person, *, full_names: bool = False) -> str:
    name = person.name if full_names else mask_name(person.name)
    relation = person.get_relation_to_head_display()
    return f"{name} · {relation}" if relation else name


class VisitForm(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label=_("How"), choices=Method.choices, widget=forms.RadioSelect, initial=Method.IN_PERSON
    )

    def __init__(self, *args, version, members, task=None, full_names: bool = False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_uuid", uuid.uuid4())
        kwargs["initial"].setdefault("version", version.number)
        super().__init__(*args, **kwargs)
        self.questionnaire = version
        self.members = list(members)
        self.answer_names = []
        for question in version.questions:
            name = f"q_{question['code']}"
            self.fields[name] = self._answer_field(question)
            self.answer_names.append(name)
        self.fields["members_present"] = forms.TypedMultipleChoiceField(
            label=_("Members present"),
            coerce=int,
            required=False,
            choices=[(p.pk, _member_label(p, full_names=full_names)) for p in self.members],
            widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
        )
        self.member_rows = []
        for person in self.members:
            temp = f"temp_{person.pk}"
            symptoms = f"symptoms_{person.pk}"
            self.fields[temp] = TemperatureField(
                label=_("Temperature (°C)"),
                required=False,
                widget=forms.NumberInput({"step": "0.1", "inputmode": "decimal"}),
            )
            self.fields[symptoms] = forms.MultipleChoiceField(
                label=_("Symptoms"),
                required=False,
                choices=[
                    (s, getattr(HealthReport._meta.get_field(s), "verbose_name", s))
                    for s in SYMPTOMS
                ],
                widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
            )
            label = _member_label(person, full_names=full_names)
            self.member_rows.append((person, label, temp, symptoms))
        self.fields["service_need"] = forms.CharField(
            label=_("Needs help with"), required=False, max_length=200
        )
        extras = extra_fields(task) if task is not None else {}
        self.fields.update(extras)
        self.extra_names = list(extras)
        # StyledForm styled the fields it saw; these were added since.
        for name, field in self.fields.items():
            if name.startswith(("q_", "temp_", "service_need")) or name in self.extra_names:
                widget = field.widget
                if not isinstance(
                    widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
                ):
                    widget.attrs.setdefault(
                        "class",
                        "form-select" if isinstance(widget, forms.Select) else "form-control",
                    )

    @staticmethod
    def _answer_field(question) -> forms.Field:
        question = library.localized(question)
        kind, label = question["type"], question["text"]
        choices = [tuple(c) for c in question["choices"]]
        if kind == library.QuestionType.YES_NO:
            return forms.ChoiceField(
                label=label,
                choices=YES_NO_CHOICES,
                required=False,
                widget=forms.RadioSelect({"class": "form-check-input"}),
            )
        if kind == library.QuestionType.NUMBER:
            return forms.IntegerField(label=label, required=False, min_value=0, max_value=999)
        if kind == library.QuestionType.DATE:
            return forms.DateField(label=label, required=False, widget=DateInput())
        if kind == library.QuestionType.CHOICE:
            return forms.ChoiceField(
                label=label,
                choices=[("", "---------"), *choices],
                required=False,
            )
        if kind == library.QuestionType.MULTI:
            return forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
            )
        return forms.CharField(label=label, required=False, max_length=500)

    def extra_fields(self):
        """The fields higher apps add (see ``screening.extras``)."""
        return [self[name] for name in self.extra_names]

    def extra_error_fields(self) -> dict[str, str]:
        """A service error's key (``extras.<key>.<name>``) → the extra's field."""
        return {"extras." + ".".join(split_extra_name(full)): full for full in self.extra_names}

    def answer_fields(self):
        return [self[name] for name in self.answer_names]

    def clean(self):
        data = super().clean() or {}
        present = set(data.get("members_present") or [])
        for person, _label, temp, symptoms in self.member_rows:
            if (data.get(temp) is not None or data.get(symptoms)) and person.pk not in present:
                self.add_error(temp, ERR_MEMBER_REPORT_ABSENT)
        if (
            data.get("outcome") == Outcome.VISITED
            and data.get(TEMPERATURES_TAKEN) == YES
            and not any(data.get(temp) is not None for _p, _l, temp, _s in self.member_rows)
            and not self.has_error(TEMPERATURES_TAKEN)
        ):
            self.add_error(TEMPERATURES_TAKEN, ERR_TEMPERATURE_NEEDED)
        return data

    def service_values(self) -> dict:
        """The cleaned form as visit_record's keyword arguments."""
        data = self.cleaned_data
        answers = {}
        for question in self.questionnaire.questions:
            value = data.get(f"q_{question['code']}")
            if value in (None, "", []):
                continue
            if question["type"] == library.QuestionType.YES_NO:
                value = value == YES
            elif question["type"] == library.QuestionType.DATE:
                value = value.isoformat()
            answers[question["code"]] = value
        reports = []
        for person, _label, temp, symptoms in self.member_rows:
            temperature, flags = data.get(temp), data.get(symptoms) or []
            if temperature is not None or flags:
                reports.append({"person": person.pk, "temperature": temperature, "symptoms": flags})
        return {
            "client_uuid": data["client_uuid"],
            "version_number": data["version"],
            "outcome": data["outcome"],
            "method": data["method"],
            "answers": answers,
            "members_present": data.get("members_present") or [],
            "member_reports": reports,
            "service_need": data.get("service_need", ""),
            "extras": extra_values(data, self.extra_names),
        }


class ObserveForm(StyledForm):
    """Starting an observation from a visit: everything prefilled from the answers."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.HOME_MONITORING)
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices, initial=Reason.RISK_AREA)
    risk_area = forms.CharField(label=_("Risk area"), required=False, max_length=100)
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DateInput())


class LedgerForm(StyledForm):
    unmasked = forms.BooleanField(label=_("Full names (recorded in the audit log)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
