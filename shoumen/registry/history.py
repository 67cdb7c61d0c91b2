"""The registry's words for its audit history: action labels, the person's change labels,
what stays hidden or masked, and households named by their label."""

from django.utils.translation import gettext_lazy as _

from shoumen.accounts.templatetags.shoumen_ui import (
    _HIDDEN_CHANGES,
    _MASKED_CHANGES,
    ACTION_LABELS,
    CHANGE_LABELS,
)
from shoumen.audit.labels import register_actions, register_namer, register_target
from shoumen.registry.models import Household, Tag

IMPORT_ACTION_LABELS = {
    "person.import.register": _("Registered by a ledger import"),
    "person.import.update": _("Changed by a ledger import"),
    "building.create": _("Building added"),
    "building.import.create": _("Building added by a ledger import"),
    "household.create": _("Household added"),
    "household.update": _("Household changed"),
    "household.move": _("Household moved"),
}


def household_names(ids) -> dict[int, str]:
    households = Household.objects.select_related("building").in_bulk(list(ids))
    return {pk: household.label for pk, household in households.items()}


def register() -> None:
    register_actions(ACTION_LABELS)
    register_actions(IMPORT_ACTION_LABELS)
    register_target(
        "registry.person",
        labels=CHANGE_LABELS,
        hidden=_HIDDEN_CHANGES,
        masked=_MASKED_CHANGES,
        choices={"tags": Tag},
    )
    register_target("registry.household", refers_to={"head": "registry.person"})
    register_namer("registry.household", household_names)
