"""Form widgets shared by every app.

Dates are entered with the browser's date picker, whose value is always ISO (2026-12-06)
whatever the language: a date rendered in the page's format (2026/12/06 in Chinese) would
be shown empty by the picker and sent back empty."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value in ISO format."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs=attrs, format=format or ISO_DATE)
