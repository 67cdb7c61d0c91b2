"""Forms of the centre's set-up pages: a team's grids and phone, a new team, members,
and service packages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.healthcentre.models import PackageKind, TeamRole
from shoumen.lib.forms import StyledForm


class _GridsForm(StyledForm):
    grids = forms.TypedMultipleChoiceField(
        label=_("Grids served"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(label=_("Service phone"), max_length=32, required=False)

    def __init__(self, *args, grids: list, **kwargs):
        super().__init__(*args, **kwargs)
        self._grids = {g.pk: g for g in grids}
        self.fields["grids"].choices = [(g.pk, g.name) for g in grids]  # type: ignore[attr-defined]

    def clean_grids(self):
        return [self._grids[pk] for pk in self.cleaned_data["grids"]]


class TeamForm(_GridsForm):
    pass


class TeamNewForm(_GridsForm):
    name = forms.CharField(label=_("Team name"), max_length=100)
    field_order = ["name", "grids", "phone"]


class MemberAddForm(StyledForm):
    user = forms.TypedChoiceField(label=_("Who"), coerce=int)
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)

    def __init__(self, *args, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self._users = {u.pk: u for u in candidates}
        self.fields["user"].choices = [(u.pk, str(u)) for u in candidates]  # type: ignore[attr-defined]

    def clean_user(self):
        return self._users[self.cleaned_data["user"]]


class PackageForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=pgettext_lazy("package", "Kind"),
        choices=PackageKind.choices,
        widget=forms.RadioSelect,
    )
    fee = forms.DecimalField(
        label=_("Fee (yuan a year)"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )
    description = forms.CharField(
        label=_("What it includes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(
        label=pgettext_lazy("package", "On offer"), required=False, initial=True
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
