"""The forms that set a school up: a new school (the education bureau), a new class and a
term (the school's own staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.places.models import OrgUnit
from shoumen.schools.models import SchoolKind


class _StreetField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SchoolForm(StyledForm):
    street = _StreetField(label=_("Street"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Unique, e.g. the school's registry code.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SchoolKind.choices)
    boarding = forms.BooleanField(label=_("Boarding school"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        street_field = self.fields["street"]
        assert isinstance(street_field, forms.ModelChoiceField)
        street_field.queryset = streets


class ClassForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. 三年级2班"))
    code = forms.CharField(label=_("Code"), max_length=32)
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12)
    boarding = forms.BooleanField(label=_("Boarding class (also an evening check)"), required=False)


class TermForm(StyledForm):
    name = forms.CharField(
        label=_("Name"), max_length=50, help_text=_("e.g. 2026-2027学年第一学期")
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
