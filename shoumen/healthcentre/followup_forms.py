"""The chronic pages' forms: the follow-up in the sections of the standard's paper form
(hypertension's or diabetes'), registering a patient, ending a case, the list's filters.
Ranges and cross-field rules are the service's (``followup_services.clean_values``)."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.followup_services import ERR_SYSTOLIC_ABOVE, RANGES, TEXTS
from shoumen.healthcentre.models import (
    Adherence,
    Disease,
    FollowUp,
    Level3,
    PatientSource,
    Salt,
    Way,
)
from shoumen.healthcentre.patient_services import END_REASONS
from shoumen.healthcentre.rules import SYMPTOMS, URGENT_SIGNS
from shoumen.lib.dates import today
from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput

MEDICINE_ROWS = 3
BLANK: list[tuple[str, Any]] = [("", "—")]

# The paper form's sections: (title, fields); a field missing from a disease's form is
# left out of it.
SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("Visit"), ("date", "way")),
    (_("Symptoms"), ("symptoms", "urgent_signs", "other_symptoms")),
    (
        _("Signs"),
        (
            "systolic",
            "diastolic",
            "weight_kg",
            "target_weight_kg",
            "height_cm",
            "target_bmi",
            "heart_rate",
            "dorsalis_pedis_pulse",
            "other_signs",
        ),
    ),
    (
        _("Lifestyle"),
        (
            "cigarettes_per_day",
            "target_cigarettes_per_day",
            "drinks_per_day",
            "target_drinks_per_day",
            "exercise_times_per_week",
            "exercise_minutes",
            "target_exercise_times_per_week",
            "target_exercise_minutes",
            "salt",
            "target_salt",
            "staple_food_g_per_day",
            "target_staple_food_g_per_day",
            "psychological_adjustment",
            "compliance",
        ),
    ),
    (_("Tests"), ("fasting_glucose", "hba1c", "tests")),
    (
        _("Medication"),
        (
            "medication_adherence",
            "adverse_reaction",
            "adverse_reaction_note",
            "new_complication",
            "complication_note",
        ),
    ),
    (_("Referral"), ("referral_reason", "referral_facility")),
)
ONLY_HYPERTENSION = {"salt", "target_salt"}
ONLY_DIABETES = {"dorsalis_pedis_pulse", "staple_food_g_per_day", "target_staple_food_g_per_day"}
# The numbers and texts the service takes (its ranges say which numbers are whole).
INTEGERS = tuple(name for name, (_low, _high, whole) in RANGES.items() if whole)
DECIMALS = tuple(name for name, (_low, _high, whole) in RANGES.items() if not whole)


def _label(name: str):
    field = FollowUp._meta.get_field(name)
    return getattr(field, "verbose_name", name)


class FollowUpForm(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("date"), widget=DateInput)
    way = forms.ChoiceField(label=_("way"), choices=Way.choices, widget=forms.RadioSelect)
    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"), required=False, widget=forms.CheckboxSelectMultiple
    )
    urgent_signs = forms.MultipleChoiceField(
        label=_("Signs calling for urgent referral"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    salt = forms.ChoiceField(label=_("salt"), choices=BLANK + Salt.choices, required=False)
    target_salt = forms.ChoiceField(
        label=_("target salt"), choices=BLANK + Salt.choices, required=False
    )
    psychological_adjustment = forms.ChoiceField(
        label=_("psychological adjustment"), choices=BLANK + Level3.choices, required=False
    )
    compliance = forms.ChoiceField(
        label=_("adherence to advice"), choices=BLANK + Level3.choices, required=False
    )
    medication_adherence = forms.ChoiceField(
        label=_("medication adherence"), choices=Adherence.choices, widget=forms.RadioSelect
    )
    adverse_reaction = forms.BooleanField(label=_("adverse drug reaction"), required=False)
    new_complication = forms.BooleanField(label=_("new complication"), required=False)

    def __init__(self, *args, disease: str, **kwargs):
        kwargs["initial"] = {
            "client_uuid": uuid.uuid4(),
            "date": today(),
            "way": Way.CLINIC,
            "medication_adherence": Adherence.REGULAR,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        for name in INTEGERS:
            self.fields[name] = forms.IntegerField(label=_label(name), required=False)
        for name in DECIMALS:
            self.fields[name] = forms.DecimalField(
                label=_label(name), required=False, decimal_places=1, max_digits=4
            )
        for name in TEXTS:
            self.fields[name] = forms.CharField(label=_label(name), required=False, max_length=300)
        for i in range(1, MEDICINE_ROWS + 1):
            self.fields[f"medicine_{i}"] = forms.CharField(
                label=_("Medicine %(n)s") % {"n": i}, required=False, max_length=100
            )
            self.fields[f"dose_{i}"] = forms.CharField(
                label=_("Dose %(n)s") % {"n": i}, required=False, max_length=100
            )
        for field in ("systolic", "diastolic", "heart_rate", "fasting_glucose"):
            self.fields[field].widget.attrs["inputmode"] = (
                "decimal" if field == "fasting_glucose" else "numeric"
            )
        self.fields["symptoms"].choices = SYMPTOMS[disease]  # type: ignore[attr-defined]
        self.fields["urgent_signs"].choices = URGENT_SIGNS[disease]  # type: ignore[attr-defined]
        self.disease = disease
        skip = ONLY_DIABETES if disease == Disease.HYPERTENSION else ONLY_HYPERTENSION
        if disease == Disease.HYPERTENSION:
            self.fields["systolic"].required = self.fields["diastolic"].required = True
        else:
            self.fields["fasting_glucose"].required = True
        for name in skip:
            del self.fields[name]
        self._style()

    def _style(self) -> None:
        """Bootstrap classes on the fields added after StyledForm styled its own."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def sections(self) -> list[tuple[Any, list]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in SECTIONS
        ]

    def medicine_rows(self) -> list[tuple]:
        return [(self[f"medicine_{i}"], self[f"dose_{i}"]) for i in range(1, MEDICINE_ROWS + 1)]

    def values(self) -> dict[str, Any]:
        """The service's ``values`` from the cleaned form."""
        data = dict(self.cleaned_data)
        data["symptoms"] = list(data.pop("symptoms", [])) + list(data.pop("urgent_signs", []))
        data["medications"] = [
            {"name": data.pop(f"medicine_{i}", ""), "dose": data.pop(f"dose_{i}", "")}
            for i in range(1, MEDICINE_ROWS + 1)
        ]
        data["medications"] = [m for m in data["medications"] if m["name"] or m["dose"]]
        data.pop("client_uuid", None)
        return data


class PatientNewForm(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    disease = forms.ChoiceField(label=_("disease"), choices=Disease.choices)
    source = forms.ChoiceField(
        label=_("found by"), choices=PatientSource.choices, initial=PatientSource.STAFF
    )
    diagnosed_on = forms.DateField(label=_("diagnosed"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"client_uuid": uuid.uuid4(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class FirstVisitForm(StyledForm):
    """A blood pressure reading at a resident's first visit (not kept: it offers
    registration when raised)."""

    systolic = forms.IntegerField(label=_("systolic (mmHg)"), min_value=60, max_value=300)
    diastolic = forms.IntegerField(label=_("diastolic (mmHg)"), min_value=30, max_value=200)

    def clean(self):
        data = super().clean() or {}
        sbp, dbp = data.get("systolic"), data.get("diastolic")
        if sbp is not None and dbp is not None and sbp <= dbp:
            self.add_error("systolic", ERR_SYSTOLIC_ABOVE)
        return data


class PatientEndForm(StyledForm):
    reason = forms.ChoiceField(label=_("why no longer managed"), choices=list(END_REASONS.items()))


class PatientFilters(StyledForm):
    disease = forms.ChoiceField(label=_("disease"), choices=BLANK + Disease.choices, required=False)
    team = forms.TypedChoiceField(label=_("team"), coerce=int, required=False, empty_value=None)
    due = forms.ChoiceField(
        label=_("Follow-up"),
        choices=BLANK + [("due", _("Due by today")), ("overdue", _("Overdue"))],
        required=False,
    )
    referral_due = forms.BooleanField(label=_("Referral check due"), required=False)
    uncontrolled = forms.BooleanField(label=_("Not controlled last time"), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = BLANK + [(t.pk, t.name) for t in teams]  # type: ignore[attr-defined]
