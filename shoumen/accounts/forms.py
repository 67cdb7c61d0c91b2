from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.selectors import roles_grantable_by
from shoumen.lib.forms import StyledForm
from shoumen.places.selectors import org_units_visible_to


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * (obj.depth - 1)}{obj.name} ({obj.get_level_display()})"


class GrantForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"))
    org_unit = _UnitChoiceField(label=_("Org unit"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [(r.value, r.label) for r in roles_grantable_by(actor)]
        org_unit_field = cast(forms.ModelChoiceField, self.fields["org_unit"])
        org_unit_field.queryset = org_units_visible_to(actor, Perm.MANAGE_USERS)


class UserCreateForm(GrantForm):
    username = forms.CharField(label=_("Username"), max_length=30)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "display_name", "password", "role", "org_unit"]
