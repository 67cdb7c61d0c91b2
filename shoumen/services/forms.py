"""Forms of the services pages and the resident's link section."""

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.services.models import NOTE_MAX, Kind, RequestStatus, Topic, Urgency


class _WithUuid(StyledForm):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"client_uuid": uuid.uuid4(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class AskForm(_WithUuid):
    """A request for help: by the resident on their link, or by a worker taking a call."""

    kind = forms.ChoiceField(label=_("What do you need?"), choices=Kind.choices)
    urgency = forms.ChoiceField(
        label=_("How urgent"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. which medicine, what to buy. No ID numbers."),
    )


class LinkAskForm(AskForm):
    whom = forms.ChoiceField(label=_("For"), required=False)

    def __init__(self, *args, persons: list, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        whom = cast(forms.ChoiceField, self.fields["whom"])
        whom.choices = [(str(i), name) for i, name in enumerate(names)]
        if len(persons) <= 1:
            whom.widget = forms.HiddenInput()
            self.initial.setdefault("whom", "0")
        self._persons = persons

    def clean_whom(self):
        try:
            return self._persons[int(self.cleaned_data.get("whom") or 0)]
        except (ValueError, IndexError):
            raise forms.ValidationError(_("Choose who the help is for.")) from None


class CallForm(AskForm):
    """A call taken by a worker: the same, plus a standing daily delivery."""

    standing = forms.BooleanField(
        label=_("Deliver every day (household isolated at home)"), required=False
    )
    standing_until = forms.DateField(
        label=_("Every day until"),
        required=False,
        widget=DateInput(),
    )


class AssignForm(StyledForm):
    assignee = forms.ChoiceField(label=_("Give to"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", "—"), *choices]


class DoneForm(StyledForm):
    note = forms.CharField(
        label=_("What was delivered"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RequestFilters(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open")), ("all", _("All")), *RequestStatus.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("service request", "Kind"),
        choices=[("", _("All kinds")), *Kind.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class HotlineForm(_WithUuid):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    anonymous = forms.BooleanField(label=_("Anonymous caller"), required=False, initial=True)
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DateInput(),
    )


class CadreForm(StyledForm):
    """Name a household's responsible cadre: one of the staff or volunteers offered, or a
    name typed in."""

    who = forms.ChoiceField(label=_("Responsible cadre"), required=False)
    name = forms.CharField(label=_("Or a name"), max_length=50, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["who"]).choices = [("", "—"), *choices]
