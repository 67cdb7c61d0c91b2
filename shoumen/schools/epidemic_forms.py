"""Forms of the school epidemic report: sending it, and acknowledging it."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.schools.epidemic_services import ACTIONS
from shoumen.schools.models import Receiver


class EpidemicReportForm(forms.Form):
    # Sent twice (a double tap, a phone retrying), the report is still sent once.
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    actions = forms.MultipleChoiceField(
        label=_("Actions taken"),
        choices=list(ACTIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def blank(cls, *, actions: list[str]) -> "EpidemicReportForm":
        return cls(initial={"client_uuid": uuid.uuid4(), "actions": actions})


class AcknowledgeForm(forms.Form):
    receiver = forms.ChoiceField(choices=Receiver.choices, widget=forms.HiddenInput)
