"""Forms of the supplies' pages. Each checks only the shape of its input: the services say
what is allowed (and their errors land on these fields)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput
from shoumen.supplies.models import HolderKind, ItemKind, MovementKind, Source

MAX_DIGITS, DECIMALS = 12, 2

KIND_TITLES = {
    MovementKind.RECEIVE: _("Receive supplies"),
    MovementKind.ISSUE: _("Hand supplies out"),
    MovementKind.TRANSFER: _("Transfer supplies"),
    MovementKind.COUNT: _("Stocktake"),
}
# The fields each kind of movement shows besides item, quantity and note.
KIND_FIELDS = {
    MovementKind.RECEIVE: {"source", "donor", "batch", "expires_on"},
    MovementKind.ISSUE: {"household"},
    MovementKind.TRANSFER: {"to_holder"},
    MovementKind.COUNT: set(),
}


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _set_queryset(form: forms.Form, name: str, queryset) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class MovementForm(StyledForm):
    """One movement of one item at a holder; the fields shown depend on its kind. The
    hidden client UUID makes a form sent twice (a double tap, a resend) one movement."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    item = _Choice(label=pgettext_lazy("supplies", "Item"), queryset=None, empty_label=None)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=0, max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.ALLOCATION)
    donor = forms.CharField(
        label=_("Donor"),
        max_length=100,
        required=False,
        help_text=_("For a donation: the business, organisation or person who gave it."),
    )
    to_holder = _Choice(
        label=pgettext_lazy("stock transfer", "To"), queryset=None, empty_label=None
    )
    household = _Choice(
        label=_("Household"),
        queryset=None,
        required=False,
        empty_label=_("— not to a household —"),
    )
    batch = forms.CharField(label=_("Batch"), max_length=40, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, data=None, *, kind: str, items, to_holders=None, households=None):
        super().__init__(data, initial={"client_uuid": uuid.uuid4()})
        self.kind = kind
        shown = KIND_FIELDS[MovementKind(kind)]
        for name in {"source", "donor", "batch", "expires_on", "to_holder", "household"} - shown:
            del self.fields[name]
        _set_queryset(self, "item", items)
        if kind == MovementKind.TRANSFER:
            _set_queryset(self, "to_holder", to_holders)
        elif kind == MovementKind.ISSUE:
            _set_queryset(self, "household", households)
            self.fields["note"].label = _("Given to")
            self.fields["note"].help_text = _(
                "Who received it: a worker, a post, a resident collecting in person."
            )
        elif kind == MovementKind.COUNT:
            self.fields["quantity"].label = _("Quantity counted")
            self.fields["note"].label = _("Reason for any difference")
            # Not required here: the service's own message says what is missing.
            self.fields["note"].help_text = _("Required: why the count differs.")


class ItemForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=10, help_text=_("e.g. 个, 瓶, 盒"))
    kind = forms.ChoiceField(label=pgettext_lazy("supplies", "Kind"), choices=ItemKind.choices)


class HolderForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=pgettext_lazy("supplies", "Kind"), choices=HolderKind.choices)
    unit = _Choice(
        label=_("Under"), queryset=None, empty_label=None, help_text=_("The community or a grid.")
    )
    worker = _Choice(
        label=_("Worker"),
        queryset=None,
        required=False,
        help_text=_("For a worker's kit: whose it is."),
    )

    def __init__(self, data=None, *, units, workers):
        super().__init__(data)
        _set_queryset(self, "unit", units)
        _set_queryset(self, "worker", workers)


class ReorderForm(StyledForm):
    item = _Choice(label=pgettext_lazy("supplies", "Item"), queryset=None, empty_label=None)
    reorder_level = forms.DecimalField(
        label=_("Reorder level"),
        required=False,
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMALS,
        help_text=_("Below this, a low-stock alert opens. Leave empty for none."),
    )

    def __init__(self, data=None, *, items, initial=None):
        super().__init__(data, initial=initial)
        _set_queryset(self, "item", items)


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
