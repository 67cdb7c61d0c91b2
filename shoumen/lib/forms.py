"""Bootstrap classes on form widgets, so templates stay plain; Django's generic field
messages ("Ensure this value has at most 100 characters.") name the field they are about."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext


def _django_messages(field: forms.Field) -> set[str]:
    """Django's own messages for ``field`` (its classes' defaults and its validators'), in
    the active language; the project's messages (constants) name their subject already."""
    messages = {
        str(message)
        for klass in type(field).__mro__
        for message in getattr(klass, "default_error_messages", {}).values()
    }
    for validator in field.validators:
        if type(validator).__module__ == "django.core.validators":
            own = getattr(validator, "messages", {}).values()
            messages.update(str(m) for m in [getattr(validator, "message", ""), *own] if m)
    messages.discard(str(forms.Field.default_error_messages["required"]))
    return messages


def named_error(label, message) -> str:
    return pgettext("a form field's error", "%(label)s: %(message)s") % {
        "label": label,
        "message": message,
    }


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxInput):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        self.name_generic_errors()
        self.mark_invalid()

    def name_generic_errors(self):
        found = self.errors  # full_clean has filled them in
        for name, errors in list(found.items()):
            field = self.fields.get(name)
            if field is None or not field.label:
                continue
            generic = _django_messages(field)
            named = [
                ValidationError(named_error(field.label, _text(error)), code=error.code)
                if str(error.message) in generic
                else error
                for error in errors.as_data()
            ]
            found[name] = self.error_class(named, renderer=self.renderer)

    def mark_invalid(self):
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        if hasattr(self, "cleaned_data"):
            self.mark_invalid()


def _text(error: ValidationError) -> str:
    return str(error.message % error.params if error.params else error.message)
