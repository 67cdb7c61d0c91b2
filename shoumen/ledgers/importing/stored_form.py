"""What the registry stores for a new person, worked out from a row's values."""

from collections.abc import Mapping
from typing import Any

from shoumen.lib import crypto
from shoumen.lib.phones import mask_phone
from shoumen.lib.pinyin import search_text
from shoumen.registry.models import (
    FLAG_TAGS,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Status,
    id_last4_index,
)
from shoumen.registry.services import audit_document_number, document_index

# The stored columns a new person gets from ``apply_person_values``.
STORED_ATTRS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number_encrypted",
    "id_number_index",
    "id_number_last4_index",
    "phone_encrypted",
    "phone_index",
    "phone_last4",
    "relation_to_head",
    *FLAG_TAGS.values(),
    "notes",
    "search_text",
)
# The columns of a new person that are neither stored values nor placement.
NEW_PERSON_DEFAULTS = {
    "id": None,
    "pk": None,
    "status": Status.RESIDENT.value,
    "status_changed_on": None,
    "merged_into_id": None,
}


def _stored_form(values: Mapping[str, Any]) -> tuple[tuple, dict[str, Any]]:
    """What the registry stores for a new person with ``values``: the ``STORED_ATTRS``
    columns as ``apply_person_values`` sets them (encrypted numbers, blind indexes, search
    text), and the audit snapshot of it (``person_snapshot``; placement left out).

    Worked out here from the values without a model instance, and the masked numbers from
    the plain ones rather than by decrypting them again: 100,000 rows at once."""
    document_type = values["document_type"]
    number = values["id_number"]
    id_encrypted: bytes | None
    phone_encrypted: bytes | None
    if number:
        id_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        id_index = values.get("id_index") or document_index(document_type, number)
        id_last4, id_masked = id_last4_index(number), audit_document_number(number)
    else:
        id_encrypted = id_index = None
        id_last4 = id_masked = ""
    phone = values["phone"]
    if phone:
        phone_encrypted = crypto.encrypt(phone, context=PHONE_CONTEXT)
        phone_index = crypto.blind_index(phone, context=PHONE_CONTEXT)
        phone_last4, phone_masked = phone[-4:], mask_phone(phone)
    else:
        phone_encrypted = phone_index = None
        phone_last4 = phone_masked = ""
    name, tags, birth_date = values["name"], values["tags"], values["birth_date"]
    stored = (
        name,
        values["sex"],
        birth_date,
        document_type,
        id_encrypted,
        id_index,
        id_last4,
        phone_encrypted,
        phone_index,
        phone_last4,
        values["relation_to_head"],
        *(tag in tags for tag in FLAG_TAGS),
        values["notes"],
        search_text(name),
    )
    snapshot = {
        "name": name,
        "sex": values["sex"],
        "birth_date": birth_date.isoformat() if birth_date else None,
        "document_type": document_type,
        "id_number": id_masked,
        "id_number_index": id_index,
        "phone": phone_masked,
        "household": None,
        "grid": None,
        "relation_to_head": values["relation_to_head"],
        "status": NEW_PERSON_DEFAULTS["status"],
        "tags": sorted(tag for tag in FLAG_TAGS if tag in tags),
        "notes": values["notes"],
    }
    return stored, snapshot
