"""Forms parse and shape input only; the services validate and write."""

import uuid
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.observation.fields import TemperatureField
from shoumen.observation.models import (
    SYMPTOMS,
    WORKER_SOURCES,
    HealthReport,
    Kind,
    ObservationStatus,
    Reason,
    Slot,
    Source,
)
from shoumen.observation.selectors import TodayState
from shoumen.observation.services import CLOSING_STATUSES

ERR_PERSON_IDS = _("Pick persons from the list.")
ERR_NOBODY_CHOSEN = _("Paste at least one line or pick at least one person.")
ERR_TOO_MANY = _("Start at most %(max)d observations at a time.")

OUTCOME_NORMAL = "normal"
OUTCOME_NOT_REACHED = "not_reached"
STATUS_ANY = "any"
BULK_MAX = 200

DATE_WIDGET = DateInput()


def symptom_label(name: str) -> str:
    return str(cast(models.Field, HealthReport._meta.get_field(name)).verbose_name)


def symptom_choices():
    return [(name, symptom_label(name)) for name in SYMPTOMS]


class _ReportSlotForm(forms.Form):
    """The hidden part of every follow-up form: the day, slot and the client UUID that
    makes a replay (a double tap) change nothing."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    slot = forms.ChoiceField(choices=Slot.choices, widget=forms.HiddenInput)

    @classmethod
    def fresh_initial(cls, *, date, slot) -> dict:
        return {"client_uuid": uuid.uuid4(), "date": date.isoformat(), "slot": slot}


class QuickReportForm(_ReportSlotForm):
    """One tap: the person is well, or could not be reached."""

    outcome = forms.ChoiceField(
        choices=[(OUTCOME_NORMAL, _("Normal")), (OUTCOME_NOT_REACHED, _("Not reached"))]
    )

    def report_values(self) -> dict:
        data = self.cleaned_data
        reached = data["outcome"] == OUTCOME_NORMAL
        return {
            "date": data["date"],
            "slot": data["slot"],
            "client_uuid": data["client_uuid"],
            "source": Source.WORKER_PHONE,
            "reached": reached,
        }


class TemperatureForm(_ReportSlotForm, StyledForm):
    temperature = TemperatureField(
        label=_("Temperature (°C)"),
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.1", "placeholder": "36.5", "autofocus": True}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=symptom_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ChoiceField(
        label=_("How"),
        choices=[(s.value, s.label) for s in Source if s in WORKER_SOURCES],
        initial=Source.WORKER_PHONE,
    )

    def report_values(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "slot": data["slot"],
            "client_uuid": data["client_uuid"],
            "temperature": Decimal(data["temperature"]),
            "source": data["source"],
            "reached": True,
            **{name: name in data["symptoms"] for name in SYMPTOMS},
        }


class TodayFiltersForm(forms.Form):
    state = forms.TypedChoiceField(
        choices=[("", _("All")), *TodayState.choices], coerce=int, required=False, empty_value=None
    )
    mine = forms.BooleanField(required=False)


class ObservationFiltersForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*ObservationStatus.choices, (STATUS_ANY, _("Any status"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False
    )
    grid: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Grid"), queryset=None, required=False, empty_label=_("All grids")
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = grids


class _ObservationFieldsForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    risk_area = forms.CharField(
        label=_("Risk area"),
        max_length=100,
        required=False,
        help_text=_("For returnees: the area they came from."),
    )
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DATE_WIDGET)
    last_exposure_date = forms.DateField(
        label=_("Last exposure"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For contacts: the day of the last contact."),
    )
    period_days = forms.IntegerField(
        label=_("Period (days)"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Empty: the default for the kind."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason_note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def common(self) -> dict:
        names = (
            "kind",
            "reason",
            "risk_area",
            "arrival_date",
            "last_exposure_date",
            "period_days",
            "reason_note",
        )
        return {name: self.cleaned_data[name] for name in names}


class StartForm(_ObservationFieldsForm):
    responsible: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Responsible worker"),
        queryset=None,
        required=False,
        empty_label=_("— the grid worker —"),
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = workers


class IdListField(forms.Field):
    """Person ids from checkboxes (the pick list)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(ERR_PERSON_IDS) from None


class BulkStartForm(_ObservationFieldsForm):
    lines = forms.CharField(
        label=_("Persons, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "张三 1234\n李四 5678"}),
        help_text=_("A name and the last 4 characters of the ID number or phone."),
    )
    persons = IdListField(required=False)

    field_order = ["lines", "persons"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        lines = [line for line in (data.get("lines") or "").splitlines() if line.strip()]
        count = len(lines) + len(data.get("persons") or [])
        if not self.errors and count == 0:
            raise ValidationError(ERR_NOBODY_CHOSEN)
        if count > BULK_MAX:
            raise ValidationError(ERR_TOO_MANY % {"max": BULK_MAX})
        data["line_list"] = lines
        return data


class CompleteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CloseForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in ObservationStatus if s in CLOSING_STATUSES],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ExtendForm(StyledForm):
    exposure_date = forms.DateField(label=_("New exposure on"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class AssignForm(StyledForm):
    responsible: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Responsible worker"), queryset=None
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = workers


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class TransferForm(StyledForm):
    to_community = _UnitChoiceField(label=_("Receiving community"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_community"]).queryset = communities


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class AcceptForm(StyledForm):
    grid = _UnitChoiceField(label=_("Grid"), queryset=None)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["grid"]).queryset = grids
