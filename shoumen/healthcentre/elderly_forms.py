"""Forms of the elderly check's pages: the list's filters, a booking and the record."""

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.healthcentre.elderly_rules import FINDING_VALUE_MAX, FINDINGS, SELF_CARE_SCORE_MAX
from shoumen.healthcentre.elderly_selectors import DUE
from shoumen.healthcentre.elderly_services import ADVICE_MAX
from shoumen.healthcentre.models import CheckResult, ElderlyCheckStatus
from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput

STATUS_CHOICES = [
    ("", pgettext_lazy("elderly check", "All due")),
    (DUE, _("Not booked yet")),
    (ElderlyCheckStatus.BOOKED, ElderlyCheckStatus.BOOKED.label),
    (ElderlyCheckStatus.DONE, ElderlyCheckStatus.DONE.label),
]


class ElderlyFilters(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    unit = forms.ChoiceField(label=_("Community or grid"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("All"))] + [
            (str(u.pk), u.name) for u in units
        ]


class BookForm(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    person = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    booked_for = forms.DateField(label=_("Booked for"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"client_uuid": uuid.uuid4(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class RebookForm(StyledForm):
    booked_for = forms.DateField(label=_("Booked for"), widget=DateInput)


def finding_field(key: str, part: str) -> str:
    return f"{key}_{part}"


class RecordForm(StyledForm):
    done_on = forms.DateField(label=_("Day of the check"), widget=DateInput)
    self_care_score = forms.IntegerField(
        label=_("Self-care score"),
        min_value=0,
        max_value=SELF_CARE_SCORE_MAX,
        help_text=_("0–3 independent, 4–8 mildly, 9–18 moderately dependent, 19+ not self-caring"),
    )
    result = forms.ChoiceField(
        label=pgettext_lazy("health centre", "Result"), choices=CheckResult.choices
    )
    advice = forms.CharField(
        label=_("Advice"),
        max_length=ADVICE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in FINDINGS:
            self.fields[finding_field(key, "value")] = forms.CharField(
                label=label, max_length=FINDING_VALUE_MAX, required=False
            )
            self.fields[finding_field(key, "abnormal")] = forms.BooleanField(
                label=_("Abnormal"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[finding_field(key, "value")].widget.attrs["class"] = "form-control"

    def main_fields(self):
        return [self[name] for name in ("done_on", "self_care_score", "result", "advice")]

    def finding_rows(self):
        return [
            (label, self[finding_field(key, "value")], self[finding_field(key, "abnormal")])
            for key, label in FINDINGS
        ]

    def findings(self) -> dict:
        data = self.cleaned_data
        return {
            key: {
                "value": data.get(finding_field(key, "value"), ""),
                "abnormal": bool(data.get(finding_field(key, "abnormal"))),
            }
            for key, _label in FINDINGS
        }

    @staticmethod
    def initial_of(check) -> dict:
        initial = {
            "done_on": check.done_on,
            "self_care_score": check.self_care_score,
            "result": check.result,
            "advice": check.advice,
        }
        for key, item in (check.findings or {}).items():
            initial[finding_field(key, "value")] = item.get("value", "")
            initial[finding_field(key, "abnormal")] = item.get("abnormal", False)
        return initial
