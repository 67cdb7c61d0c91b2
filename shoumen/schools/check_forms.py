"""The forms of the class checks' pages: the check of one session (a choice per pupil on
the roll), and a pupil's and a guardian's details."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.registry.models import Sex
from shoumen.schools.models import FindingKind, Pupil, PupilKind
from shoumen.schools.symptoms import symptom_choices

PRESENT = "present"
STATUS_CHOICES = [
    (PRESENT, _("Present, well")),
    (FindingKind.SICK, _("Absent sick")),
    (FindingKind.PERSONAL, _("Absent on leave")),
    (FindingKind.SYMPTOMATIC, _("Present, unwell")),
]


class PupilRow:
    """One pupil's fields on the check form, for the template."""

    def __init__(self, form: "ClassCheckForm", pupil: Pupil):
        self.pupil = pupil
        self.locked = pupil.return_pending
        prefix = f"p{pupil.pk}"
        self.status = form[f"{prefix}_status"]
        self.symptoms = form[f"{prefix}_symptoms"]
        self.temperature = form[f"{prefix}_temperature"]
        self.onset = form[f"{prefix}_onset"]
        self.saw_doctor = form[f"{prefix}_doctor"]
        self.diagnosis = form[f"{prefix}_diagnosis"]
        self.room = form[f"{prefix}_room"]
        self.notified = form[f"{prefix}_notified"]

    @property
    def status_value(self) -> str:
        return str(self.status.value() or PRESENT)

    @property
    def has_details(self) -> bool:
        return self.status_value != PRESENT or bool(
            self.symptoms.errors or self.temperature.errors or self.onset.errors
        )


class ClassCheckForm(StyledForm):
    """The roll with one choice per pupil; for the sick and the unwell, their symptoms,
    temperature, onset, doctor and diagnosis, observation room and guardian notified."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, data=None, *, pupils: list[Pupil], day, diseases, **kwargs):
        initial = {"client_uuid": uuid.uuid4(), "date": day}
        super().__init__(data, initial=initial, **kwargs)
        self.pupils = pupils
        symptoms = symptom_choices()
        for pupil in pupils:
            prefix = f"p{pupil.pk}"
            self.fields[f"{prefix}_status"] = forms.ChoiceField(
                label=pupil.name,
                choices=STATUS_CHOICES,
                initial=FindingKind.SICK if pupil.return_pending else PRESENT,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{prefix}_symptoms"] = forms.MultipleChoiceField(
                label=_("Symptoms"),
                choices=symptoms,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields[f"{prefix}_temperature"] = forms.DecimalField(
                label=_("Temperature (°C)"),
                max_digits=3,
                decimal_places=1,
                required=False,
                widget=forms.NumberInput(
                    attrs={"step": "0.1", "inputmode": "decimal", "class": "form-control"}
                ),
            )
            self.fields[f"{prefix}_onset"] = forms.DateField(
                label=_("Onset date"),
                required=False,
                widget=DateInput(attrs={"class": "form-control"}),
            )
            self.fields[f"{prefix}_doctor"] = forms.BooleanField(
                label=_("Seen a doctor"), required=False
            )
            self.fields[f"{prefix}_diagnosis"] = forms.CharField(
                label=_("Diagnosis"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"list": "diseases", "class": "form-control"}),
                help_text=_("Choose from the list, or write what the guardian said."),
            )
            self.fields[f"{prefix}_room"] = forms.BooleanField(
                label=_("Sent to the observation room"), required=False
            )
            self.fields[f"{prefix}_notified"] = forms.BooleanField(
                label=_("Guardian notified"), required=False
            )
        self.diseases = diseases

    def rows(self) -> list[PupilRow]:
        return [PupilRow(self, p) for p in self.pupils]

    def service_values(self) -> dict:
        """present, absences and symptomatic as class_check_submit takes them."""
        data = self.cleaned_data
        absences, symptomatic = [], []
        for pupil in self.pupils:
            prefix = f"p{pupil.pk}"
            status = data.get(f"{prefix}_status") or PRESENT
            if pupil.return_pending:
                status = FindingKind.SICK
            if status == PRESENT:
                continue
            row = {
                "pupil_id": pupil.pk,
                "symptoms": data.get(f"{prefix}_symptoms") or [],
                "temperature": data.get(f"{prefix}_temperature"),
                "onset_date": data.get(f"{prefix}_onset"),
                "saw_doctor": data.get(f"{prefix}_doctor") or False,
                "diagnosis": data.get(f"{prefix}_diagnosis") or "",
                "to_observation_room": data.get(f"{prefix}_room") or False,
                "guardian_notified": data.get(f"{prefix}_notified") or False,
            }
            if status == FindingKind.SYMPTOMATIC:
                symptomatic.append(row)
            else:
                absences.append({**row, "kind": status})
        return {
            "client_uuid": data["client_uuid"],
            "date": data["date"],
            "present": len(self.pupils) - len(absences),
            "absences": absences,
            "symptomatic": symptomatic,
        }


class AllWellForm(forms.Form):
    """The one tap: everyone on the roll present and well."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)


class PupilForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput)
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=30,
        required=False,
        help_text=_("Optional; stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Pupil or staff"), choices=PupilKind.choices, initial=PupilKind.PUPIL
    )
    boarding = forms.BooleanField(label=_("Boarder"), required=False)


class PupilEditForm(PupilForm):
    """A pupil's details; the ID number on record is kept when the field is left empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].help_text = _(
            "Leave empty to keep the number on record; it is never shown here."
        )


class GuardianForm(StyledForm):
    name = forms.CharField(label=_("Guardian's name"), max_length=50)
    relation = forms.CharField(label=_("Relation"), max_length=20, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
