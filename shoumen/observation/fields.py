"""The body temperature input shared by every form that takes one (Today, self-report
links, household visits, checkpoint visitors): one clear message for a typo such as 386,
never Django's digit-count message next to ours."""

from django import forms
from django.core.exceptions import ValidationError

from shoumen.observation.health_reports import (
    ERR_TEMPERATURE_RANGE,
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
)

TEMPERATURE_ERRORS = {
    "invalid": ERR_TEMPERATURE_RANGE,
    "min_value": ERR_TEMPERATURE_RANGE,
    "max_value": ERR_TEMPERATURE_RANGE,
    "max_digits": ERR_TEMPERATURE_RANGE,
    "max_whole_digits": ERR_TEMPERATURE_RANGE,
    "max_decimal_places": ERR_TEMPERATURE_RANGE,
}


class TemperatureField(forms.DecimalField):
    """34.0–43.0 °C, one decimal; any bad value gets ERR_TEMPERATURE_RANGE, once."""

    def __init__(self, *, error_messages=None, **kwargs):
        kwargs.setdefault("min_value", MIN_TEMPERATURE)
        kwargs.setdefault("max_value", MAX_TEMPERATURE)
        kwargs.setdefault("max_digits", 3)
        kwargs.setdefault("decimal_places", 1)
        super().__init__(error_messages={**TEMPERATURE_ERRORS, **(error_messages or {})}, **kwargs)

    def run_validators(self, value):
        # Each validator would add its own message (386 breaks the maximum and the digit
        # count): the first one says it all.
        try:
            super().run_validators(value)
        except ValidationError as exc:
            raise ValidationError(exc.error_list[0]) from None
