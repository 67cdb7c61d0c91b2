"""Forms of the distribution campaign pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.places.models import Level
from shoumen.supplies.campaign_services import MAX_PER_HOUSEHOLD

GRID_INDENT = "\u3000"


class CampaignForm(StyledForm):
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("e.g. One pack of masks per household"),
    )
    # Numbers, not choices: a unit or store outside the actor's scope is a 404 from the view.
    scope = forms.IntegerField(label=_("Grid, community or street"), widget=forms.Select)
    item = forms.IntegerField(label=pgettext_lazy("supplies", "Item"), widget=forms.Select)
    quantity = forms.IntegerField(
        label=_("Quantity per household"), min_value=1, max_value=MAX_PER_HOUSEHOLD, initial=1
    )
    source = forms.IntegerField(label=_("Handed out from"), widget=forms.Select)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())

    def __init__(self, *args, units, items, holders, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "---------")]
        self.fields["scope"].widget.choices = blank + [
            (u.pk, u.name if u.level != Level.GRID else f"{GRID_INDENT}{u.name}") for u in units
        ]
        self.fields["item"].widget.choices = blank + [(i.pk, str(i)) for i in items]
        self.fields["source"].widget.choices = blank + [
            (h.pk, f"{h.name}（{h.org_unit.name}）") for h in holders
        ]


class GiveForm(forms.Form):
    client_uuid = forms.UUIDField()
