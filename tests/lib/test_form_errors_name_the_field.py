"""Django's generic field messages name the field; the project's own messages stay as they are;
required fields are marked in the shared form rendering."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from shoumen.lib.forms import StyledForm


class NameForm(StyledForm):
    name = forms.CharField(label="Name", max_length=3)
    count = forms.IntegerField(label="Count", required=False)
    note = forms.CharField(label="Note", required=False)

    def clean_note(self):
        if self.cleaned_data["note"] == "x":
            raise forms.ValidationError("Own message.")
        return self.cleaned_data["note"]


@pytest.mark.parametrize(
    ("language", "generic"), [("en", "Ensure this value"), ("zh-hans", "确保该")]
)
def test_a_too_long_value_error_names_the_field(language, generic):
    with translation.override(language):
        form = NameForm({"name": "abcdef"})
        assert not form.is_valid()
        message = form.errors["name"][0]
        assert message.startswith("Name") and generic in message


def test_an_invalid_number_error_names_the_field():
    with translation.override("en"):
        form = NameForm({"name": "a", "count": "x"})
        assert not form.is_valid()
        assert form.errors["count"] == ["Count: Enter a whole number."]
        assert "is-invalid" in form.fields["count"].widget.attrs["class"]


def test_a_form_s_own_message_is_not_prefixed():
    form = NameForm({"name": "a", "note": "x"})
    assert not form.is_valid()
    assert form.errors["note"] == ["Own message."]


def test_a_required_error_keeps_its_plain_message():
    with translation.override("en"):
        form = NameForm({})
        assert not form.is_valid()
        assert form.errors["name"] == ["This field is required."]


def test_required_fields_are_marked_and_optional_ones_are_not():
    form = NameForm()
    with translation.override("en"):
        required = render_to_string("components/field.html", {"field": form["name"]})
        optional = render_to_string("components/field.html", {"field": form["note"]})
    assert 'aria-hidden="true">*</span>' in required and "(required)" in required
    assert "*</span>" not in optional
