"""Forms parse and shape input only; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.alerts.models import Cause, Outcome
from shoumen.alerts.selectors import STATE_ALL, STATE_OPEN, STATE_RESOLVED
from shoumen.alerts.services import SENT_AWAY
from shoumen.lib.forms import StyledForm


class AlertFiltersForm(StyledForm):
    state = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (STATE_OPEN, pgettext_lazy("alerts not yet resolved", "Open")),
            (STATE_RESOLVED, _("Resolved")),
            (STATE_ALL, _("All")),
        ],
        required=False,
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    cause = forms.ChoiceField(
        label=_("Cause"), choices=[("", _("Any cause")), *Cause.choices], required=False
    )


SCHOOL_OUTCOMES = {Outcome.REPORTED, Outcome.FALSE_READING, Outcome.OTHER}


class ResolveForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("— choose —")), *Outcome.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    # Offered when the person has an active observation; ticked by default, it applies when
    # the outcome sends the person away (fever clinic, hospital).
    end_observation = forms.BooleanField(
        label=_("Also end their observation as sent to hospital"),
        help_text=_("When sent to the fever clinic or hospital."),
        initial=True,
        required=False,
    )

    def __init__(self, *args, can_end_observation: bool = False, school: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_end_observation:
            del self.fields["end_observation"]
        # A school alert ends reported (or found false); a resident's is never "reported".
        kept = SCHOOL_OUTCOMES if school else set(Outcome.values) - {Outcome.REPORTED}
        choices = [(v, label) for v, label in Outcome.choices if v in kept]
        self.fields["outcome"].choices = [("", _("— choose —")), *choices]  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        data["end_observation"] = bool(data.get("end_observation")) and (
            data.get("outcome") in SENT_AWAY
        )
        return data
