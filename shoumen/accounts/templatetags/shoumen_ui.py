"""Template helpers for the page shell: the user's roles, permission checks, masked names;
and the person record's words for its history (registered with the audit labels by the
registry)."""

from django import template
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.scoping import can
from shoumen.accounts.selectors import assignments_with_units
from shoumen.lib import names

register = template.Library()

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


@register.simple_tag
def my_assignments(user):
    """The user's role assignments with their units (one query, cached per request)."""
    return assignments_with_units(user)


@register.simple_tag
def user_can(user, perm, org_unit=None):
    return can(user, perm, org_unit)


@register.filter
def mask_name(value):
    """A resident's name as it shows where the full name is not needed: 单*, 欧阳**."""
    return names.mask_name(value or "")


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
