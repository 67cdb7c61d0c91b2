"""The volunteer registry's forms: staff adding or editing a volunteer, the public sign-up
reached by QR code, and the reason for rejecting a sign-up."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib.forms import StyledForm
from shoumen.registry.models import Skill, Team, TimeOfDay, Weekday

HELP_PHONE_KEEP = _("Leave empty to keep %(masked)s.")


def _multiple(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class _VolunteerFields(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    teams = _multiple(_("Teams"), Team.choices)
    skills = _multiple(_("Skills"), Skill.choices)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days you can usually help"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    times_of_day = _multiple(_("Times of day you can help"), TimeOfDay.choices)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "name": data["name"],
            "phone": data.get("phone") or "",
            "birth_year": data.get("birth_year"),
            "teams": data.get("teams") or [],
            "skills": data.get("skills") or [],
            "is_party_member": bool(data.get("is_party_member")),
            "weekdays": data.get("weekdays") or [],
            "times_of_day": data.get("times_of_day") or [],
        }


class VolunteerForm(_VolunteerFields):
    """Staff adding a volunteer (approved at once)."""


class VolunteerEditForm(_VolunteerFields):
    is_active = forms.BooleanField(label=pgettext_lazy("volunteer", "Active"), required=False)

    def __init__(self, *args, masked_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked_phone:
            self.fields["phone"].help_text = HELP_PHONE_KEEP % {"masked": masked_phone}

    def values(self) -> dict:
        values = super().values()
        if not values["phone"]:
            del values["phone"]  # kept as it is
        values["is_active"] = bool(self.cleaned_data.get("is_active"))
        return values


class SignUpForm(_VolunteerFields):
    """The public sign-up: a phone is required, and the consent."""

    consent = forms.BooleanField(
        label=_(
            "I agree that the community keeps these details to organise volunteer work; my "
            "phone number is stored encrypted and shown to nobody in full."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["teams"].label = _("Teams you would like to join")

    def values(self) -> dict:
        return {**super().values(), "consent": bool(self.cleaned_data.get("consent"))}


class RejectForm(StyledForm):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=200)
