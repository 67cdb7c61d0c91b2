from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.lib.forms import StyledForm
from shoumen.places.models import PARENT_LEVEL
from shoumen.places.selectors import org_units_visible_to


class OrgUnitCreateForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("e.g. C1-G3"))
    name = forms.CharField(label=_("Name"), max_length=100)


class OrgUnitRenameForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_level_display()})"


class OrgUnitMoveForm(StyledForm):
    new_parent = _UnitChoiceField(label=_("New parent"), queryset=None)

    def __init__(self, *args, actor, unit, **kwargs):
        super().__init__(*args, **kwargs)
        parent_level = PARENT_LEVEL.get(unit.level)
        new_parent_field = cast(forms.ModelChoiceField, self.fields["new_parent"])
        new_parent_field.queryset = (
            org_units_visible_to(actor, Perm.MANAGE_ORG_UNITS)
            .filter(level=parent_level)
            .exclude(path=unit.path[: -unit.steplen])
        )
