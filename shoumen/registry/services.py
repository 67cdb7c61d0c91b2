"""Every write to the registry: keyword-only, validated, atomic and audited."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require
from shoumen.audit.services import audit_event_record
from shoumen.lib import crypto, events
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason, length_errors
from shoumen.lib.ids import InvalidIdNumber, mask_id_number, normalize_id_number, parse_resident_id
from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone
from shoumen.lib.pinyin import search_text
from shoumen.lib.text import free_text, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    FLAG_TAGS,
    ID_CONTEXT,
    PHONE_CONTEXT,
    DocumentType,
    Household,
    Person,
    Relation,
    Sex,
    Status,
    Tag,
    document_index,
    id_last4_index,
)

# Django rebuilds ``TextChoices.values`` on every access; the ledger import checks each row.
SEX_VALUES = frozenset(Sex.values)

ERR_NAME_REQUIRED = _("Enter the person's name.")
ERR_SEX_REQUIRED = _("Choose the person's sex.")
ERR_SEX_MISMATCH = _("The sex does not match the ID number, which says %(sex)s.")
ERR_BIRTH_MISMATCH = _("The birth date does not match the ID number, which says %(date)s.")
ERR_BIRTH_MISMATCH_ON_RECORD = _("The birth date does not match the ID number on record.")
ERR_BIRTH_FUTURE = _("The birth date cannot be in the future.")
ERR_DATE_FUTURE = _("The date cannot be in the future.")
ERR_NUMBER_REQUIRED = _("Enter the document number, or choose 'No document'.")
ERR_NUMBER_NOT_EXPECTED = _("Leave the number empty when there is no document.")
ERR_NUMBER_FORMAT = _("A document number has 4 to 30 letters and digits.")
ERR_DUPLICATE_IN_SCOPE = _("This document number is already registered for %(name)s.")
ERR_DUPLICATE_OUT_OF_SCOPE = _(
    "This document number is already registered outside your jurisdiction; "
    "ask the community that holds the record to move the person."
)
ERR_HEAD_TAKEN = _("This household already has a head: %(name)s.")
ERR_GRID_LEVEL = _("Choose a grid, not a %(level)s.")
ERR_SAME_PERSON = _("Choose two different persons to merge.")
ERR_MERGE_DIFFERENT_IDS = _(
    "These two persons have different document numbers; they are not the same person."
)
ERR_NOT_ACTIVE_RECORD = _("This record was merged into another and cannot be changed.")
ERR_STATUS_INVALID = _("Choose moved out, deceased or resident.")
ERR_REVEAL_FIELD = _("Only an ID number or a phone can be revealed.")

PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number",
    "phone",
    "relation_to_head",
    "tags",
    "notes",
)


class DuplicatePersonError(ValidationError):
    """A document number that is already registered; ``existing`` is the person holding it."""

    def __init__(self, message, existing: Person | None):
        super().__init__({"id_number": [message]})
        self.existing = existing


# ---------------------------------------------------------------- helpers


def _require_grid(unit: OrgUnit) -> None:
    if unit.level != Level.GRID:
        raise ValidationError({"grid": [ERR_GRID_LEVEL % {"level": unit.get_level_display()}]})


# How the audit keeps a document number: no character of it. The audit sits beside the
# birth date in every database dump, and region + birth date + last 4 is the whole number;
# a change is told by the keyed blind index, which the diff compares and leaves out.
AUDIT_NUMBER_MASK = "******"
# Snapshot keys compared to tell a change, never recorded: {key: the key shown instead}.
_COMPARED_ONLY = {"id_number_index": "id_number"}
# A change of birth date is recorded (and previewed) without the dates: beside the masked
# ID number shown on every page, the old one would complete it.
BIRTH_DATE_MASK = "****-**-**"


def audit_document_number(number: str) -> str:
    """A document number as the audit keeps it (see ``AUDIT_NUMBER_MASK``)."""
    return AUDIT_NUMBER_MASK if number else ""


def _snapshot(person: Person) -> dict[str, Any]:
    """The audited view of a person: no character of the document number (its blind index
    only to compare), phone masked, dates as text."""
    return {
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "document_type": person.document_type,
        "id_number": audit_document_number(person.id_number_index or ""),
        "id_number_index": person.id_number_index,
        "phone": person.phone_masked,
        "household": person.household_id,
        "grid": person.grid_id,
        "relation_to_head": person.relation_to_head,
        "status": person.status,
        "tags": sorted(t for t, f in FLAG_TAGS.items() if getattr(person, f)),
        "notes": person.notes,
    }


person_snapshot = _snapshot


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """[old, new] of each value that changed, as the audit records it."""
    diff = {
        k: [before.get(k), v]
        for k, v in after.items()
        if before.get(k) != v and k not in _COMPARED_ONLY
    }
    for key, shown in _COMPARED_ONLY.items():
        if before.get(key) != after.get(key) and shown in after:
            diff.setdefault(shown, [before.get(shown), after[shown]])
    if "birth_date" in diff:
        diff["birth_date"] = [BIRTH_DATE_MASK if v else v for v in diff["birth_date"]]
    return diff


person_diff = _diff


def _record(actor, action: str, obj, *, org_path: str, changes=None, reason: str = "") -> None:
    audit_event_record(
        actor=actor, action=action, target=obj, org_path=org_path, changes=changes, reason=reason
    )


def _validated_person_values(
    values: Mapping[str, Any], *, day: datetime.date, number_typed: bool = True
) -> dict[str, Any]:
    """Normalise and check a full set of person values; raise ValidationError per field.
    ``number_typed`` is False when the ID number is the one on record: a mismatch then does
    not tell the birth date it holds (typing dates would otherwise read it out)."""
    errors: dict[str, list] = {}
    out: dict[str, Any] = {}

    name = free_text(values.get("name") or "")
    if not name:
        errors.setdefault("name", []).append(ERR_NAME_REQUIRED)
    errors.update(length_errors(Person, {"name": name}))
    out["name"] = name

    document_type = values.get("document_type") or DocumentType.NONE
    out["document_type"] = DocumentType(document_type)
    raw_number = values.get("id_number") or ""
    sex = values.get("sex") or ""
    birth_date = values.get("birth_date")
    number = ""
    if document_type == DocumentType.RESIDENT_ID:
        if not strip_all_spaces(raw_number):
            errors.setdefault("id_number", []).append(ERR_NUMBER_REQUIRED)
        else:
            try:
                parsed = parse_resident_id(raw_number, today=day)
            except InvalidIdNumber as exc:
                errors.setdefault("id_number", []).append(exc.message)
            else:
                number = parsed.number
                if sex and sex != parsed.sex:
                    errors.setdefault("sex", []).append(
                        ERR_SEX_MISMATCH % {"sex": Sex(parsed.sex).label}
                    )
                if birth_date and birth_date != parsed.birth_date:
                    errors.setdefault("birth_date", []).append(
                        ERR_BIRTH_MISMATCH % {"date": parsed.birth_date.isoformat()}
                        if number_typed
                        else ERR_BIRTH_MISMATCH_ON_RECORD
                    )
                sex = sex or parsed.sex
                birth_date = birth_date or parsed.birth_date
    elif document_type == DocumentType.NONE:
        if strip_all_spaces(raw_number):
            errors.setdefault("id_number", []).append(ERR_NUMBER_NOT_EXPECTED)
    else:
        number = normalize_id_number(raw_number)
        if not number:
            errors.setdefault("id_number", []).append(ERR_NUMBER_REQUIRED)
        elif not (4 <= len(number) <= 30 and number.isalnum() and number.isascii()):
            errors.setdefault("id_number", []).append(ERR_NUMBER_FORMAT)
    out["id_number"] = number

    if sex not in SEX_VALUES and "id_number" not in errors:
        errors.setdefault("sex", []).append(ERR_SEX_REQUIRED)
    out["sex"] = sex
    if birth_date and birth_date > day:
        errors.setdefault("birth_date", []).append(ERR_BIRTH_FUTURE)
    out["birth_date"] = birth_date or None

    phone = to_halfwidth(values.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except InvalidPhone as exc:
            errors.setdefault("phone", []).append(exc.message)
    out["phone"] = phone

    out["relation_to_head"] = Relation(values.get("relation_to_head") or Relation.OTHER)
    out["tags"] = {Tag(t) for t in values.get("tags") or ()} & set(FLAG_TAGS)
    out["notes"] = free_text(values.get("notes") or "")
    if errors:
        raise ValidationError(errors)
    return out


_document_index = document_index

# Public names for bulk paths (the ledger import) that must validate and store exactly as
# the services above do.
validated_person_values = _validated_person_values


def person_find_by_document(*, document_type: str, number: str) -> Person | None:
    """Exact lookup through the blind index (callers scope what they show)."""
    number = normalize_id_number(number)
    if not number:
        return None
    return Person.objects.filter(id_number_index=_document_index(document_type, number)).first()


def _apply_values(person: Person, values: Mapping[str, Any]) -> None:
    person.name = values["name"]
    person.sex = values["sex"]
    person.birth_date = values["birth_date"]
    person.document_type = values["document_type"]
    number = values["id_number"]
    if number:
        person.id_number_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        person.id_number_index = _document_index(values["document_type"], number)
        person.id_number_last4_index = id_last4_index(number)
    else:
        person.id_number_encrypted = person.id_number_index = None
        person.id_number_last4_index = ""
    phone = values["phone"]
    if phone:
        person.phone_encrypted = crypto.encrypt(phone, context=PHONE_CONTEXT)
        person.phone_index = crypto.blind_index(phone, context=PHONE_CONTEXT)
        person.phone_last4 = phone[-4:]
    else:
        person.phone_encrypted = person.phone_index = None
        person.phone_last4 = ""
    person.relation_to_head = values["relation_to_head"]
    for tag, field in FLAG_TAGS.items():
        setattr(person, field, tag in values["tags"])
    person.notes = values["notes"]
    person.search_text = search_text(person.name)


apply_person_values = _apply_values


def _check_unique_document(actor, person: Person) -> None:
    if not person.id_number_index:
        return
    existing = (
        Person.objects.select_related("grid")
        .filter(id_number_index=person.id_number_index)
        .exclude(pk=person.pk)
        .first()
    )
    if existing is None:
        return
    if can(actor, Perm.VIEW_REGISTRY, existing.grid):
        raise DuplicatePersonError(ERR_DUPLICATE_IN_SCOPE % {"name": existing.name}, existing)
    raise DuplicatePersonError(ERR_DUPLICATE_OUT_OF_SCOPE, None)


def _save_person(actor, person: Person) -> None:
    """Save, turning a race on the unique document index into the same friendly error."""
    _check_unique_document(actor, person)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        _check_unique_document(actor, person)
        raise


def _set_head(household: Household, person: Person) -> None:
    if person.relation_to_head != Relation.HEAD or person.status != Status.RESIDENT:
        if household.head_id == person.pk:
            household.head = None
            household.save(update_fields=["head", "updated_at"])
        return
    if household.head_id and household.head_id != person.pk:
        head = Person.objects.filter(pk=household.head_id).only("name").first()
        raise ValidationError(
            {"relation_to_head": [ERR_HEAD_TAKEN % {"name": head.name if head else ""}]}
        )
    if household.head_id != person.pk:
        household.head = person
        household.save(update_fields=["head", "updated_at"])


def _current_values(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "document_type": person.document_type,
        "id_number": person.id_number(),
        "phone": person.phone(),
        "relation_to_head": person.relation_to_head,
        "tags": [t for t, f in FLAG_TAGS.items() if getattr(person, f)],
        "notes": person.notes,
    }


# ---------------------------------------------------------------- persons


@transaction.atomic
def person_register(*, actor, household: Household, **values: Any) -> Person:
    """Register a person in ``household``. Values are the PERSON_FIELDS."""
    require(actor, Perm.EDIT_REGISTRY, household.grid)
    clean = _validated_person_values(values, day=today())
    person = Person(household=household, grid=household.grid)
    _apply_values(person, clean)
    _save_person(actor, person)
    _set_head(household, person)
    _record(
        actor,
        "person.register",
        person,
        org_path=household.grid.path,
        changes=_diff({}, _snapshot(person)),
    )
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **changes: Any) -> Person:
    """Change any of the PERSON_FIELDS; fields not given stay as they are."""
    require(actor, Perm.EDIT_REGISTRY, person.grid)
    if person.status == Status.MERGED:
        raise ValidationError(ERR_NOT_ACTIVE_RECORD)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    before = _snapshot(person)
    values = {**_current_values(person), **changes}
    clean = _validated_person_values(
        values, day=today(), number_typed=bool(changes.get("id_number"))
    )
    _apply_values(person, clean)
    _save_person(actor, person)
    _set_head(person.household, person)
    diff = _diff(before, _snapshot(person))
    if diff:
        _record(actor, "person.update", person, org_path=person.grid.path, changes=diff)
    return person


@transaction.atomic
def person_move(
    *, actor, person: Person, household: Household, relation_to_head: str = Relation.OTHER
) -> Person:
    """Move a person to another household, in the same grid or another one."""
    require(actor, Perm.EDIT_REGISTRY, person.grid)
    require(actor, Perm.EDIT_REGISTRY, household.grid)
    if person.status == Status.MERGED:
        raise ValidationError(ERR_NOT_ACTIVE_RECORD)
    before = _snapshot(person)
    old_household = person.household
    if old_household.head_id == person.pk:
        old_household.head = None
        old_household.save(update_fields=["head", "updated_at"])
    person.household, person.grid = household, household.grid
    person.relation_to_head = Relation(relation_to_head)
    person.save(update_fields=["household", "grid", "relation_to_head", "updated_at"])
    _set_head(household, person)
    _record(
        actor,
        "person.move",
        person,
        org_path=household.grid.path,
        changes=_diff(before, _snapshot(person)),
    )
    events.announce(
        events.PersonsMoved(moves=(events.PersonMove(person.pk, household.pk, household.grid_id),))
    )
    return person


@transaction.atomic
def person_set_status(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    on_date: datetime.date | None = None,
) -> Person:
    """Mark a person moved out or deceased, or restore them as resident."""
    require(actor, Perm.EDIT_REGISTRY, person.grid)
    if status not in {Status.MOVED_OUT, Status.DECEASED, Status.RESIDENT}:
        raise ValidationError({"status": [ERR_STATUS_INVALID]})
    if person.status == Status.MERGED:
        raise ValidationError(ERR_NOT_ACTIVE_RECORD)
    reason = clean_reason(reason)
    day = on_date or today()
    if day > today():
        raise ValidationError({"on_date": [ERR_DATE_FUTURE]})
    before = _snapshot(person)
    person.status, person.status_changed_on = status, day
    person.save(update_fields=["status", "status_changed_on", "updated_at"])
    if status != Status.RESIDENT and person.household.head_id == person.pk:
        person.household.head = None
        person.household.save(update_fields=["head", "updated_at"])
    _record(
        actor,
        f"person.status.{status}",
        person,
        org_path=person.grid.path,
        changes=_diff(before, _snapshot(person)),
        reason=reason,
    )
    events.announce(events.PersonStatusChanged(person_id=person.pk, status=person.status))
    return person


@transaction.atomic
def person_merge(*, actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Fold ``duplicate`` into ``keep``: blanks filled, flags combined, the duplicate kept as
    a merged record pointing to ``keep`` so that both histories stay readable."""
    require(actor, Perm.EDIT_REGISTRY, keep.grid)
    require(actor, Perm.EDIT_REGISTRY, duplicate.grid)
    reason = clean_reason(reason)
    if keep.pk == duplicate.pk:
        raise ValidationError(ERR_SAME_PERSON)
    if Status.MERGED in (keep.status, duplicate.status):
        raise ValidationError(ERR_NOT_ACTIVE_RECORD)
    if keep.id_number_index and duplicate.id_number_index:
        raise ValidationError(ERR_MERGE_DIFFERENT_IDS)
    before = _snapshot(keep)
    values = _current_values(keep)
    extra = _current_values(duplicate)
    if not values["id_number"] and extra["id_number"]:
        values["document_type"], values["id_number"] = extra["document_type"], extra["id_number"]
    for field in ("birth_date", "phone"):
        values[field] = values[field] or extra[field]
    values["tags"] = {*values["tags"], *extra["tags"]}
    values["notes"] = "\n".join(n for n in (values["notes"], extra["notes"]) if n)

    if duplicate.household.head_id == duplicate.pk:
        duplicate.household.head = None
        duplicate.household.save(update_fields=["head", "updated_at"])
    duplicate_before = _snapshot(duplicate)
    duplicate.status, duplicate.merged_into, duplicate.status_changed_on = (
        Status.MERGED,
        keep,
        today(),
    )
    if duplicate.id_number_index and not keep.id_number_index:
        # The number moves to the kept record; the merged one keeps no copy.
        duplicate.document_type = DocumentType.NONE
        duplicate.id_number_encrypted = duplicate.id_number_index = None
        duplicate.id_number_last4_index = ""
    duplicate.save()

    clean = _validated_person_values(values, day=today(), number_typed=False)
    _apply_values(keep, clean)
    _save_person(actor, keep)
    _record(
        actor,
        "person.merge_into",
        duplicate,
        org_path=duplicate.grid.path,
        changes=_diff(duplicate_before, _snapshot(duplicate)) | {"merged_into": [None, keep.pk]},
        reason=reason,
    )
    _record(
        actor,
        "person.merge",
        keep,
        org_path=keep.grid.path,
        changes=_diff(before, _snapshot(keep)) | {"merged_from": [None, duplicate.pk]},
        reason=reason,
    )
    events.announce(events.PersonsMerged(keep_id=keep.pk, duplicate_id=duplicate.pk))
    return keep


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """Return the plaintext ID number or phone, recording who looked and why."""
    if field not in {"id_number", "phone"}:
        raise ValidationError({"field": [ERR_REVEAL_FIELD]})
    require(actor, Perm.REVEAL_SENSITIVE, person.grid)
    reason = clean_reason(reason)
    value = person.id_number() if field == "id_number" else person.phone()
    _record(
        actor,
        f"person.reveal.{field}",
        person,
        org_path=person.grid.path,
        changes={"field": field},
        reason=reason,
    )
    return value


@transaction.atomic
def person_document_search_record(*, actor, found: list[Person]) -> None:
    """Record a search by a whole document number, and whom it found: the few numbers a
    masked one leaves could otherwise be tried one by one, unseen."""
    target = found[0] if len(found) == 1 else None
    _record(
        actor,
        "person.search.document_number",
        target,
        org_path=target.grid.path if target is not None else "",
        changes={"found": len(found)},
    )


def masked(field: str, value: str) -> str:
    if not value:
        return ""
    return mask_id_number(value) if field == "id_number" else mask_phone(value)
