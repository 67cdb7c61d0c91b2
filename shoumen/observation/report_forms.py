from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.ledgers.export_forms import UnitExportForm
from shoumen.lib.widgets import DateInput
from shoumen.observation.reports import FOLLOW_UP, KEY_PERSONS


class LedgerForm(UnitExportForm):
    field_order = ["unit", "ledger", "day", "unmasked", "reason"]

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
        widget=DateInput(),
    )
