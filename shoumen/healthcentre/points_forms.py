"""The manager's work-point rules: one number for each kind of work."""

from collections.abc import Sequence

from django import forms

from shoumen.healthcentre.models import PointActivity, PointRule
from shoumen.healthcentre.points_services import POINTS_MAX
from shoumen.lib.forms import StyledForm


class RulesForm(StyledForm):
    def __init__(self, *args, rules: Sequence[PointRule] = (), **kwargs):
        super().__init__(*args, **kwargs)
        have = {r.activity: r.points for r in rules}
        for activity in PointActivity:
            self.fields[activity.value] = forms.DecimalField(
                label=activity.label,
                min_value=0,
                max_value=POINTS_MAX,
                decimal_places=2,
                max_digits=6,
                initial=have.get(activity.value),
            )
