"""The manager's work-point rules: one number for each kind of work."""

from collections.abc import Mapping
from decimal import Decimal

from django import forms

from shoumen.healthcentre.models import PointActivity
from shoumen.healthcentre.points_services import POINTS_MAX
from shoumen.lib.forms import StyledForm


class RulesForm(StyledForm):
    def __init__(self, *args, rules: Mapping[str, Decimal], **kwargs):
        """``rules``: the points of each activity in force (the centre's or the defaults)."""
        super().__init__(*args, **kwargs)
        have = rules
        for activity in PointActivity:
            self.fields[activity.value] = forms.DecimalField(
                label=activity.label,
                min_value=0,
                max_value=POINTS_MAX,
                decimal_places=2,
                max_digits=6,
                initial=have.get(activity.value),
            )
