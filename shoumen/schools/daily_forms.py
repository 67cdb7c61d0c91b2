"""The daily report's confirm form and the periods the boards read."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.schools.daily_services import REMARKS_MAX


class DailyConfirmForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks (optional)"),
        max_length=REMARKS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PeriodForm(forms.Form):
    """?from=&to= of the rates page; either may be left out."""

    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def period(self, today: datetime.date, weeks: int) -> tuple[datetime.date, datetime.date]:
        """The asked period, or the last ``weeks`` ISO weeks up to today."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        default_start = end - datetime.timedelta(days=end.weekday() + 7 * (weeks - 1))
        start = data.get("start") or default_start
        if start > end:
            start = default_start
        return start, end
