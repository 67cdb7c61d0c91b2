"""Forms of the survey pages: opening a quarter's survey, the resident's identity on the
QR page, and the answer (the centre and each member of staff who served them, 1–5)."""

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.survey_selectors import CONTRACT, ELDERLY_CHECK, FOLLOW_UP, Contact
from shoumen.healthcentre.survey_services import COMMENT_MAX
from shoumen.lib.dates import today
from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput

SCORES = [(str(n), str(n)) for n in range(1, 6)]
CONTACT_LABELS = {
    FOLLOW_UP: _("your follow-up"),
    CONTRACT: _("your family doctor team"),
    ELDERLY_CHECK: _("your elderly check"),
}


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


class SurveyOpenForm(StyledForm):
    centre = forms.ChoiceField(label=_("Centre"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
    opens_on = forms.DateField(label=_("Opens"), widget=DateInput)
    closes_on = forms.DateField(label=_("Closes"), widget=DateInput)

    def __init__(self, *args, centres=(), **kwargs):
        day = today()
        kwargs.setdefault(
            "initial",
            {
                "year": day.year,
                "quarter": quarter_of(day),
                "opens_on": day,
                "closes_on": day + datetime.timedelta(days=30),
            },
        )
        super().__init__(*args, **kwargs)
        self.centres = {str(c.pk): c for c in centres}
        cast(forms.ChoiceField, self.fields["centre"]).choices = [
            (str(c.pk), c.name) for c in centres
        ]


class IdentityForm(StyledForm):
    name = forms.CharField(label=_("Your name"), max_length=50)
    id_number = forms.CharField(
        label=_("Your resident ID number"),
        max_length=30,
        help_text=_("Only to check that you live where the centre serves; never shown to staff."),
    )


def staff_field(contact: Contact) -> str:
    return f"staff_{contact.staff.pk}"


class AnswerForm(StyledForm):
    centre_score = forms.ChoiceField(
        label=_("How satisfied are you with the centre? (5 is best)"),
        choices=SCORES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, contacts: Sequence[Contact] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = list(contacts)
        for contact in self.contacts:
            self.fields[staff_field(contact)] = forms.ChoiceField(
                label=_("%(name)s, from %(contact)s")
                % {"name": contact.staff, "contact": CONTACT_LABELS.get(contact.kind, "")},
                choices=SCORES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("Anything to tell the centre? (no names please)"),
            max_length=COMMENT_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        )

    def answer(self) -> dict[str, Any]:
        """The answer for ``survey_answer``: the centre's score, each rated staff member's
        score, the comment."""
        data = self.cleaned_data
        return {
            "centre_score": int(data["centre_score"]),
            "ratings": {
                c.staff.pk: int(data[staff_field(c)])
                for c in self.contacts
                if data.get(staff_field(c))
            },
            "comment": data["comment"],
        }
