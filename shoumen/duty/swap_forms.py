"""Forms of the swap and sick-call pages. Each action posts a field that says what it
does, so that an empty POST changes nothing."""

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.duty.models import Assignment, DutyPerson


class ShiftChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assignment) -> str:
        return f"{obj.person.name} · {obj.date:%m-%d} {obj.shift.post.name} {obj.shift.label}"


class SwapForm(forms.Form):
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=DutyPerson.objects.none(), label=_("Who takes the shift")
    )
    partner_assignment = ShiftChoice(
        queryset=Assignment.objects.none(),
        required=False,
        label=_("Their shift you take in exchange (optional)"),
        empty_label=_("None: they just take mine"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.TextInput()
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, partners, shifts, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners
        cast(forms.ModelChoiceField, self.fields["partner_assignment"]).queryset = shifts
        for name in ("partner", "partner_assignment"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["reason"].widget.attrs["class"] = "form-control"


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])


class ConfirmForm(forms.Form):
    """A one-tap action's button carries ``confirm=1``."""

    confirm = forms.BooleanField(widget=forms.HiddenInput)


class CoverForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(queryset=DutyPerson.objects.none())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
