from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers.export_services import FORMAT_CSV, FORMAT_XLSX
from shoumen.ledgers.selectors import export_units_for
from shoumen.lib.forms import StyledForm
from shoumen.places.models import Level

GRID_INDENT = "\u3000"


class UnitExportForm(StyledForm):
    """A ledger of one unit in the actor's scope, masked unless the actor may unmask."""

    # A number, not a choice: a unit outside the actor's scope is a 404 from the
    # view's scoped lookup, the same answer as everywhere else.
    unit = forms.IntegerField(label=_("Community or grid"), widget=forms.Select)
    unmasked = forms.BooleanField(
        label=_("Full ID numbers and phones (recorded in the audit log)"), required=False
    )
    # Required-ness is the service's rule, so the message is the audited one.
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


class ExportForm(UnitExportForm):
    field_order = ["unit", "fmt", "include_inactive", "unmasked", "reason"]

    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[(FORMAT_XLSX, _("Excel (.xlsx)")), (FORMAT_CSV, _("CSV"))],
        initial=FORMAT_XLSX,
        widget=forms.RadioSelect,
    )
    include_inactive = forms.BooleanField(
        label=_("Include persons who moved out or died"), required=False
    )
