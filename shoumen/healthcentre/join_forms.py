"""Forms of the public sign-up page behind a team's QR code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm

MEMBER_LABEL = _("%(name)s, aged %(age)s")
ERR_NUMBER_NEEDED = _("Give your ID number, or the phone number the community has for you.")


class IdentifyForm(StyledForm):
    name = forms.CharField(label=_("Your name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Or your phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean(self):
        data = super().clean() or {}
        if not data.get("id_number") and not data.get("phone"):
            raise forms.ValidationError(ERR_NUMBER_NEEDED)
        return data


def _label(entry: dict) -> str:
    if entry["age"] is None:
        return entry["name"]
    return str(MEMBER_LABEL % {"name": entry["name"], "age": entry["age"]})


class ChooseForm(StyledForm):
    """Whom to sign up (the household's residents, shown masked) and which packages."""

    members = forms.TypedMultipleChoiceField(
        label=_("Sign up"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    packages = forms.MultipleChoiceField(
        label=_("Personalised packages (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The basic package is always included."),
    )

    def __init__(self, *args, entries: list[dict], packages: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (e["person"].pk, _label(e)) for e in entries
        ]
        self.fields["packages"].choices = [  # type: ignore[attr-defined]
            (p.code, f"{p.name} ({p.fee} ¥)") for p in packages
        ]
