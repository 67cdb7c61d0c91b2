"""Forms for the checkpoint pages: they parse and shape input; the services validate."""

import uuid
from typing import cast

from django import forms
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.checkpoints.models import PassStatus
from shoumen.lib.forms import StyledForm
from shoumen.observation.fields import TemperatureField

TIME_WIDGET = {"type": "time"}
ERR_SHIFT_ORDER = _("The end of the shift must come after its start.")
STATUS_CHOICES = [("", _("Any status")), *PassStatus.choices]


def building_label(building) -> str:
    """A building named with its grid: a community has several "1号楼"."""
    return f"{building.grid.name} · {building.name}"


def _with_grids(buildings):
    """Buildings with their grid (one query), by grid, then by name with numbers compared
    as numbers (2号楼 before 10号楼)."""
    return buildings.select_related("grid").order_by("grid__path", Length("name"), "name", "pk")


class _BuildingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return building_label(obj)


class _BuildingsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return building_label(obj)


class CheckpointForm(StyledForm):
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        required=False,
        help_text=_("e.g. North gate"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(TIME_WIDGET, format="%H:%M")
    )
    closes_at = forms.TimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.TimeInput(TIME_WIDGET, format="%H:%M"),
        help_text=_("Leave both times empty for a post open around the clock."),
    )
    buildings = _BuildingsChoice(
        label=_("Buildings that may pass"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every building of the community."),
    )

    def __init__(self, *args, buildings, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        choice = cast(forms.ModelMultipleChoiceField, self.fields["buildings"])
        choice.queryset = _with_grids(buildings)
        if editing:
            self.fields["is_active"] = forms.BooleanField(label=_("In use"), required=False)


class VisitorForm(StyledForm):
    """A visitor at a post. The household visited is picked by building and door, or the
    address is typed; the view turns building + door into a household where it can."""

    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    building = _BuildingChoice(
        label=_("Building visited"),
        queryset=None,
        required=False,
        empty_label=_("— choose —"),
    )
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    door_number = forms.CharField(
        label=_("Door number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    visiting = forms.CharField(
        label=_("Or the address visited"),
        max_length=100,
        required=False,
        help_text=_("When the building is not in the list."),
    )
    reason = forms.CharField(label=_("Reason for the visit"), max_length=100, required=False)
    temperature = TemperatureField(
        label=_("Temperature (°C)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    # Sent twice (a double tap, a reload), the registration is stored once.
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = _with_grids(buildings)

    def typed_address(self) -> str:
        """Building, unit and door as the visitor gave them, or the address they typed."""
        data = self.cleaned_data
        if data.get("visiting"):
            return data["visiting"]
        building = data.get("building")
        if building is None:
            return ""
        unit = _("Unit %(unit)s ") % {"unit": data["unit"]} if data.get("unit") else ""
        return f"{building.name} {unit}{data.get('door_number', '')}".strip()


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )


DATETIME_WIDGET = forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ShiftForm(StyledForm):
    start = forms.DateTimeField(label=_("From"), required=False, widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("To"), required=False, widget=DATETIME_WIDGET)

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", ERR_SHIFT_ORDER)
        return data


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PassFilterForm(StyledForm):
    unit = _UnitChoice(
        label=_("Community or grid"), queryset=None, required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    expiring = forms.BooleanField(label=_("Expiring within a week"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class BulkIssueForm(StyledForm):
    building = _BuildingChoice(label=_("Building"), queryset=None, required=False)
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = _with_grids(buildings)
