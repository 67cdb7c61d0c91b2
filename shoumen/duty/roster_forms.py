"""The form that draws a roster: a period (this week, next week, the next four weeks or
chosen days) and the time the solver may take."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.duty.models import MAX_ROSTER_DAYS
from shoumen.duty.rest import week_of
from shoumen.duty.roster_services import MAX_SOLVE_SECONDS, MIN_SOLVE_SECONDS
from shoumen.lib.dates import today
from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput

THIS_WEEK = "this_week"
NEXT_WEEK = "next_week"
NEXT_4_WEEKS = "next_4_weeks"
CUSTOM = "custom"

ERR_CUSTOM_DATES = _("Give the first and the last day of the roster.")
ERR_CUSTOM_ORDER = _("The last day comes before the first.")
ERR_CUSTOM_LENGTH = _("A roster covers 1 to %(days)d days.")


def period_of(choice: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days of a named period, seen from ``day``."""
    monday = week_of(day)[0]
    if choice == THIS_WEEK:
        return monday, monday + datetime.timedelta(days=6)
    if choice == NEXT_WEEK:
        start = monday + datetime.timedelta(days=7)
        return start, start + datetime.timedelta(days=6)
    start = monday + datetime.timedelta(days=7)
    return start, start + datetime.timedelta(days=27)


class RosterSolveForm(StyledForm):
    period = forms.ChoiceField(
        label=pgettext_lazy("roster", "Period"),
        choices=[
            (THIS_WEEK, _("This week")),
            (NEXT_WEEK, _("Next week")),
            (NEXT_4_WEEKS, _("The next 4 weeks")),
            (CUSTOM, _("Days I choose")),
        ],
        initial=NEXT_WEEK,
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    time_limit_seconds = forms.IntegerField(
        label=_("Time to search (seconds)"),
        min_value=MIN_SOLVE_SECONDS,
        max_value=MAX_SOLVE_SECONDS,
        help_text=_("A longer search may find a fairer roster."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit_seconds"].initial = min(
            max(settings.SHOUMEN_DUTY_SOLVE_SECONDS, MIN_SOLVE_SECONDS), MAX_SOLVE_SECONDS
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        choice = data.get("period")
        if choice is None:
            return data
        if choice != CUSTOM:
            data["starts_on"], data["ends_on"] = period_of(choice, today())
            return data
        start, end = data.get("starts_on"), data.get("ends_on")
        if start is None or end is None:
            if "starts_on" not in self.errors and "ends_on" not in self.errors:
                self.add_error("ends_on" if start else "starts_on", ERR_CUSTOM_DATES)
            return data
        if end < start:
            self.add_error("ends_on", ERR_CUSTOM_ORDER)
        elif (end - start).days + 1 > MAX_ROSTER_DAYS:
            self.add_error("ends_on", ERR_CUSTOM_LENGTH % {"days": MAX_ROSTER_DAYS})
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "time_limit_seconds": data["time_limit_seconds"],
        }
