from typing import cast

from django import forms
from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.models import AlertRules
from shoumen.alerts.rules_services import EDITABLE
from shoumen.lib.forms import StyledForm

ERR_REQUIRED = _("Enter a value.")


def _field(name: str) -> forms.Field:
    """The model field's form field (type and label); the ranges are checked by the service,
    so the messages are the same wherever the rules are changed."""
    field = cast(Field, AlertRules._meta.get_field(name)).formfield()
    assert field is not None
    if isinstance(field, forms.TimeField):
        field.widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    field.required = True
    field.error_messages["required"] = ERR_REQUIRED
    return field


class AlertRulesForm(StyledForm):
    pass


AlertRulesForm.base_fields.update({name: _field(name) for name in EDITABLE})
