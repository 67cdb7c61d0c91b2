"""Forms of the absence pages and of the guardian's public page."""

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.schools.models import AbsenceStatus, Course, Disease
from shoumen.schools.symptoms import symptom_choices

DATE_WIDGET = DateInput()


class FollowUpForm(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reached = forms.TypedChoiceField(
        label=_("Guardian reached"),
        choices=[("1", _("Reached")), ("0", _("Not reached"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    course = forms.ChoiceField(
        label=_("Course"), choices=[("", "—"), *Course.choices], required=False
    )
    disease = forms.ModelChoiceField(
        label=_("Diagnosis"),
        queryset=Disease.objects.order_by("category", "code"),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    diagnosis_note = forms.CharField(label=_("Diagnosis (as told)"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_uuid", uuid.uuid4())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "client_uuid": data["client_uuid"],
            "date": data["date"],
            "reached": data["reached"],
            "course": data["course"],
            "disease_code": data["disease"].code if data["disease"] else "",
            "diagnosis_note": data["diagnosis_note"],
            "note": data["note"],
        }


class ReturnForm(StyledForm):
    date = forms.DateField(label=_("Back in class on"), widget=DATE_WIDGET)


class CertificateForm(StyledForm):
    hospital_certificate_checked = forms.BooleanField(
        label=_("I have checked the hospital's certificate")
    )


class ConfirmForm(StyledForm):
    """A button's form: the hidden field proves the button was pressed."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class LinkRevokeForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# The list's tabs, its default first: not back in class yet.
STATUS_CHOICES = [("current", _("Not back yet")), *AbsenceStatus.choices, ("", _("All"))]


class AbsenceFilterForm(StyledForm):
    school = forms.TypedChoiceField(label=_("School"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=STATUS_CHOICES,
        required=False,
    )

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["school"])
        field.choices = [("", _("All")), *((s.pk, str(s)) for s in schools)]


class GuardianReportForm(StyledForm):
    """The guardian's one form: off sick (with symptoms) or away for a personal reason."""

    kind = forms.ChoiceField(
        label=_("Reason for the absence"),
        choices=[("sick", _("Off sick")), ("personal", _("Personal leave"))],
        widget=forms.RadioSelect,
        initial="sick",
    )
    date = forms.DateField(label=_("Day of the absence"), widget=DATE_WIDGET)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=symptom_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    onset_date = forms.DateField(label=_("Ill since"), required=False, widget=DATE_WIDGET)
    saw_doctor = forms.BooleanField(label=_("Has seen a doctor"), required=False)
    diagnosis_note = forms.CharField(
        label=_("What the doctor said"), max_length=100, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
