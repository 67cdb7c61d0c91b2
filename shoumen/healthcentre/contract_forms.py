"""Forms of the contract pages: the list's filters, signing a resident up, changing team,
and a reason for declining or ending."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.healthcentre.models import ContractStatus
from shoumen.lib.forms import StyledForm

STATUS_CHOICES = [("", _("Open (awaiting or active)")), ("all", _("All")), *ContractStatus.choices]


class ContractFiltersForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    team = forms.TypedChoiceField(
        label=pgettext_lazy("health centre", "Team"), coerce=int, required=False, empty_value=None
    )
    ending = forms.BooleanField(label=_("Ending within 30 days"), required=False)

    def __init__(self, *args, teams: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All teams")), *((t.pk, t.name) for t in teams)]  # type: ignore[attr-defined]


def _team_choices(teams: list) -> list:
    return [(t.pk, f"{t.centre.name} · {t.name}") for t in teams]


class _TeamPackagesForm(StyledForm):
    team = forms.TypedChoiceField(label=pgettext_lazy("health centre", "Team"), coerce=int)
    packages = forms.MultipleChoiceField(
        label=_("Personalised packages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The basic package is always included."),
    )

    def __init__(self, *args, teams: list, packages: list, **kwargs):
        super().__init__(*args, **kwargs)
        self._teams = {t.pk: t for t in teams}
        self.fields["team"].choices = _team_choices(teams)  # type: ignore[attr-defined]
        self.fields["packages"].choices = [  # type: ignore[attr-defined]
            (p.code, f"{p.name} ({p.fee} ¥)") for p in {p.code: p for p in packages}.values()
        ]

    def clean_team(self):
        return self._teams[self.cleaned_data["team"]]


class SignForm(_TeamPackagesForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"client_uuid": uuid.uuid4(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class ChangeForm(_TeamPackagesForm):
    pass


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
