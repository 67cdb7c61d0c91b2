"""Forms of the self-report links: issuing one (worker) and a report through one (public)."""

import uuid
from typing import cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.observation.fields import TemperatureField
from shoumen.observation.health_reports import ERR_SLOT
from shoumen.observation.models import SYMPTOMS, HealthReport, Slot

ERR_TEMPERATURE_REQUIRED = _("Enter your temperature, e.g. 36.5.")


class LinkIssueForm(StyledForm):
    subjects = forms.MultipleChoiceField(
        label=_("Reports for"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["subjects"])
        field.choices = [(str(p.pk), p.name) for p, observed in candidates if observed]
        self._persons = {str(p.pk): p for p, _ in candidates}

    def clean_subjects(self):
        return [self._persons[pk] for pk in self.cleaned_data["subjects"]]


class LinkRevokeForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


def _symptom_choices():
    return [
        (name, cast(models.Field, HealthReport._meta.get_field(name)).verbose_name)
        for name in SYMPTOMS
    ]


class SelfReportForm(StyledForm):
    """One person's report: the slot, a temperature and symptom toggles. The client UUID
    is drawn when the page is shown, so that sending the same form twice records once."""

    slot = forms.ChoiceField(
        label=_("Time of day"),
        choices=Slot.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ERR_SLOT, "invalid_choice": ERR_SLOT},
    )
    temperature = TemperatureField(
        label=_("Temperature (°C)"),
        error_messages={"required": ERR_TEMPERATURE_REQUIRED},
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.1", "placeholder": "36.5"}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms (tap all that apply)"),
        choices=_symptom_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_symptoms = forms.CharField(label=_("Anything else"), max_length=200, required=False)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, slot: str, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"slot": slot, "client_uuid": uuid.uuid4(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)

    def row(self, *, person_id: int, day) -> dict:
        data = self.cleaned_data
        return {
            "person": person_id,
            "date": day,
            "slot": data["slot"],
            "temperature": data["temperature"],
            **{name: name in data["symptoms"] for name in SYMPTOMS},
            "other_symptoms": data["other_symptoms"],
            "client_uuid": data["client_uuid"],
        }
