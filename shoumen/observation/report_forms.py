from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers.export_forms import GRID_INDENT
from shoumen.ledgers.selectors import export_units_for
from shoumen.lib.forms import StyledForm
from shoumen.observation.reports import FOLLOW_UP, KEY_PERSONS
from shoumen.places.models import Level


class LedgerForm(StyledForm):
    # A number: a unit outside the actor's scope is a 404 from the view's scoped lookup.
    unit = forms.IntegerField(label=_("Community or grid"), widget=forms.Select)
    ledger = forms.ChoiceField(
        label=_("Ledger"),
        choices=[
            (KEY_PERSONS, _("Key-person ledger")),
            (FOLLOW_UP, _("Daily follow-up sheet")),
        ],
        initial=KEY_PERSONS,
        widget=forms.RadioSelect,
    )
    day = forms.DateField(
        label=_("Date (follow-up sheet)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    unmasked = forms.BooleanField(
        label=_("Full ID numbers and phones (recorded in the audit log)"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = export_units_for(user).only("pk", "name", "level")
        self.fields["unit"].widget.choices = [("", "---------")] + [
            (u.pk, f"{GRID_INDENT}{u.name}" if u.level == Level.GRID else u.name) for u in units
        ]
        if not can(user, Perm.EXPORT_SENSITIVE):
            del self.fields["unmasked"]
            del self.fields["reason"]
