"""The registry's words for its audit history: action labels, the person's change labels,
what stays hidden or masked, and households named by their label."""

from django.utils.translation import gettext_lazy as _

from shoumen.audit.labels import register_actions, register_namer, register_target
from shoumen.registry.models import Household, Tag

ACTION_LABELS = {
    "person.register": _("Registered"),
    "person.update": _("Edited"),
    "person.move": _("Moved to another household"),
    "person.status.moved_out": _("Marked moved out"),
    "person.status.deceased": _("Marked deceased"),
    "person.status.resident": _("Restored as resident"),
    "person.merge": _("Merged a duplicate into this record"),
    "person.merge_into": _("Merged into another record"),
    "person.reveal.id_number": _("Revealed the ID number"),
    "person.reveal.phone": _("Revealed the phone"),
    "person.search.document_number": _("Found by a search for the whole ID number"),
}

CHANGE_LABELS = {
    "name": _("Name"),
    "sex": _("Sex"),
    "birth_date": _("Birth date"),
    "document_type": _("Document type"),
    "id_number": _("Document number"),
    "phone": _("Phone"),
    "household": _("Household"),
    "grid": _("Grid"),
    "relation_to_head": _("Relation to head"),
    "status": _("Status"),
    "tags": _("Tags"),
    "notes": _("Notes"),
    "merged_into": _("Merged into"),
    "merged_from": _("Merged from"),
}
# Said by the action label already, or kept only to tell a change (a keyed index).
_HIDDEN_CHANGES = {"field", "id_number_index"}
# Shown masked, also in events recorded before the audit stopped keeping them: with the
# masked ID number shown elsewhere (region and last 4) a birth date would complete it.
BIRTH_DATE_MASK = "****-**-**"
NUMBER_MASK = "******"
_MASKED_CHANGES = {"birth_date": BIRTH_DATE_MASK, "id_number": NUMBER_MASK}

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
