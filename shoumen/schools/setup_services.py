"""Setting a school up: the school and its classes in the tree, its terms, its pupils and
their guardians. ID numbers and phones are stored encrypted as residents' are; every write
is audited with neither in it."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.lib.errors import length_errors
from shoumen.lib.ids import InvalidIdNumber, parse_resident_id
from shoumen.lib.phones import InvalidPhone, normalize_phone
from shoumen.lib.text import free_text, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.places.services import org_unit_create
from shoumen.registry.models import DocumentType, Person, Sex, document_index
from shoumen.schools.models import (
    GUARDIAN_PHONE_CONTEXT,
    PUPIL_ID_CONTEXT,
    PUPIL_ID_LAST4_CONTEXT,
    Guardian,
    Pupil,
    PupilKind,
    School,
    SchoolClass,
    SchoolKind,
    Term,
)

ERR_NAME_REQUIRED = _("Enter the name.")
ERR_SEX_REQUIRED = _("Choose the sex.")
ERR_SEX_MISMATCH = _("The sex does not match the ID number.")
ERR_BIRTH_MISMATCH = _("The birth date does not match the ID number.")
ERR_BIRTH_FUTURE = _("The birth date cannot be in the future.")
ERR_ID_TAKEN = _("Another pupil already has this ID number.")
ERR_STREET_ONLY = _("A school is placed under a street.")
ERR_KIND = _("Choose the kind of school.")
ERR_GRADE = _("A grade is a number from 1 to 12.")
ERR_TERM_DATES = _("The last day of a term cannot be before its first day.")
ERR_ALREADY_INACTIVE = _("This pupil is no longer on the roll.")
ERR_OTHER_SCHOOL = _("A pupil moves only between classes of the same school.")
ERR_GUARDIAN_OTHER_PUPIL = _("This guardian belongs to another pupil.")
# Birth dates never enter the audit: beside a masked ID number they would complete it.
BIRTH_DATE_MASK = "****-**-**"
ID_MASK = "******"


def _record(actor, action: str, target, *, path: str, changes=None, reason: str = "") -> None:
    audit_event_record(
        actor=actor, action=action, target=target, org_path=path, changes=changes, reason=reason
    )


# ---------------------------------------------------------------- schools, classes, terms


@transaction.atomic
def school_create(
    *,
    actor,
    street: OrgUnit,
    code: str,
    name: str,
    kind: str,
    boarding: bool = False,
    address: str = "",
) -> School:
    """A school under ``street``: its org unit (level school) and its School row."""
    if street.level != Level.STREET:
        raise ValidationError({"street": [ERR_STREET_ONLY]})
    if kind not in SchoolKind.values:
        raise ValidationError({"kind": [ERR_KIND]})
    unit = org_unit_create(
        actor=actor,
        parent=street,
        code=code,
        name=name,
        level=Level.SCHOOL,
        perm=Perm.MANAGE_SCHOOLS,
    )
    address = free_text(address)
    if errors := length_errors(School, {"address": address}):
        raise ValidationError(errors)
    school = School.objects.create(unit=unit, kind=kind, boarding=boarding, address=address)
    _record(
        actor,
        "school.create",
        school,
        path=unit.path,
        changes={"code": unit.code, "name": unit.name, "kind": kind, "boarding": boarding},
    )
    return school


@transaction.atomic
def class_create(
    *, actor, school: School, code: str, name: str, grade: int, boarding: bool = False
) -> SchoolClass:
    """A class of ``school``: its org unit (level class) and its SchoolClass row."""
    if not isinstance(grade, int) or not 1 <= grade <= 12:
        raise ValidationError({"grade": [ERR_GRADE]})
    unit = org_unit_create(
        actor=actor,
        parent=school.unit,
        code=code,
        name=name,
        level=Level.CLASS,
        perm=Perm.MANAGE_PUPILS,
    )
    klass = SchoolClass.objects.create(unit=unit, school=school, grade=grade, boarding=boarding)
    _record(
        actor,
        "school_class.create",
        klass,
        path=unit.path,
        changes={"code": unit.code, "name": unit.name, "grade": grade, "boarding": boarding},
    )
    return klass


@transaction.atomic
def term_set(
    *, actor, school: School, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Term:
    """Add a term to ``school``, or change the dates of its term of that name."""
    require(actor, Perm.MANAGE_PUPILS, school.unit)
    name = free_text(name)
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Term, {"name": name}))
    if ends_on < starts_on:
        errors["ends_on"] = [ERR_TERM_DATES]
    if errors:
        raise ValidationError(errors)
    term, created = Term.objects.update_or_create(
        school=school, name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
    )
    _record(
        actor,
        "term.set",
        term,
        path=school.unit.path,
        changes={
            "name": name,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "created": created,
        },
    )
    return term


# ---------------------------------------------------------------- pupils


def _validated_pupil(values: Mapping[str, Any], *, number_typed: bool = True) -> dict[str, Any]:
    """Normalised values of a pupil; ValidationError per field. A birth date or sex that
    contradicts the ID number is refused without saying what the number holds, typed
    (``number_typed``) or on record alike: the same message either way."""
    errors: dict[str, list] = {}
    out: dict[str, Any] = {}
    name = free_text(values.get("name") or "")
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Pupil, {"name": name}))
    out["name"] = name
    sex = values.get("sex") or ""
    birth_date = values.get("birth_date") or None
    raw = values.get("id_number") or ""
    number = ""
    if strip_all_spaces(to_halfwidth(raw)):
        try:
            parsed = parse_resident_id(raw, today=today())
        except InvalidIdNumber as exc:
            errors["id_number"] = [exc.message]
        else:
            number = parsed.number
            if sex and sex != parsed.sex:
                errors["sex"] = [ERR_SEX_MISMATCH]
            if birth_date and birth_date != parsed.birth_date:
                errors["birth_date"] = [ERR_BIRTH_MISMATCH]
            sex = sex or parsed.sex
            birth_date = birth_date or parsed.birth_date
    if sex not in Sex.values and "id_number" not in errors:
        errors.setdefault("sex", []).append(ERR_SEX_REQUIRED)
    if birth_date and birth_date > today():
        errors.setdefault("birth_date", []).append(ERR_BIRTH_FUTURE)
    if errors:
        raise ValidationError(errors)
    out.update(sex=sex, birth_date=birth_date, id_number=number)
    out["boarding"] = bool(values.get("boarding"))
    out["kind"] = values.get("kind") or PupilKind.PUPIL
    return out


def _apply(pupil: Pupil, values: Mapping[str, Any]) -> None:
    pupil.name = values["name"]
    pupil.sex = values["sex"]
    pupil.birth_date = values["birth_date"]
    pupil.boarding = values["boarding"]
    pupil.kind = values["kind"]
    number = values["id_number"]
    if number:
        pupil.id_number_encrypted = crypto.encrypt(number, context=PUPIL_ID_CONTEXT)
        # The registry's blind index, so that the pupil is found among residents.
        pupil.id_number_index = document_index(DocumentType.RESIDENT_ID, number)
        pupil.id_number_last4_index = crypto.blind_index(
            number[-4:], context=PUPIL_ID_LAST4_CONTEXT
        )
    else:
        pupil.id_number_encrypted = pupil.id_number_index = None
        pupil.id_number_last4_index = ""


def _snapshot(pupil: Pupil) -> dict[str, Any]:
    return {
        "name": pupil.name,
        "sex": pupil.sex,
        "birth_date": BIRTH_DATE_MASK if pupil.birth_date else None,
        "id_number": ID_MASK if pupil.id_number_index else "",
        "id_number_index": pupil.id_number_index or "",
        "boarding": pupil.boarding,
        "kind": pupil.kind,
        "class": pupil.klass_id,
        "active": pupil.active,
        "person": pupil.person_id,
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    diff.pop("id_number_index", None)
    if before.get("id_number_index") != after.get("id_number_index"):
        diff["id_number"] = [before.get("id_number"), after.get("id_number")]
    return diff


def _save(pupil: Pupil) -> None:
    if (
        pupil.id_number_index
        and Pupil.objects.filter(id_number_index=pupil.id_number_index)
        .exclude(pk=pupil.pk)
        .exists()
    ):
        raise ValidationError({"id_number": [ERR_ID_TAKEN]})
    try:
        with transaction.atomic():
            pupil.save()
    except IntegrityError:
        raise ValidationError({"id_number": [ERR_ID_TAKEN]}) from None


def _resident_for(pupil: Pupil) -> Person | None:
    if not pupil.id_number_index:
        return None
    return Person.objects.filter(id_number_index=pupil.id_number_index).first()


@transaction.atomic
def pupil_create(*, actor, klass: SchoolClass, **values: Any) -> Pupil:
    """Add a pupil (or a member of staff checked with the class) to ``klass``'s roll:
    name, sex, birth_date, id_number (optional), boarding, kind. Linked to the resident
    with the same ID number when there is one."""
    require(actor, Perm.MANAGE_PUPILS, klass.unit)
    clean = _validated_pupil(values)
    pupil = Pupil(school_id=klass.school_id, klass=klass)
    _apply(pupil, clean)
    pupil.person = _resident_for(pupil)
    _save(pupil)
    _record(actor, "pupil.create", pupil, path=klass.unit.path, changes=_snapshot(pupil))
    return pupil


@transaction.atomic
def pupil_update(*, actor, pupil: Pupil, klass: SchoolClass | None = None, **changes: Any) -> Pupil:
    """Change a pupil's values (those not given stay), or move them to another class of
    the same school. An empty ``id_number`` keeps the number on record."""
    require(actor, Perm.MANAGE_PUPILS, pupil.klass.unit)
    pupil = Pupil.objects.select_for_update().select_related("klass__unit").get(pk=pupil.pk)
    before = _snapshot(pupil)
    current = {
        "name": pupil.name,
        "sex": pupil.sex,
        "birth_date": pupil.birth_date,
        "id_number": pupil.id_number(),
        "boarding": pupil.boarding,
        "kind": pupil.kind,
    }
    if not changes.get("id_number"):
        changes.pop("id_number", None)
    clean = _validated_pupil({**current, **changes})
    if klass is not None and klass.pk != pupil.klass_id:
        if klass.school_id != pupil.school_id:
            raise ValidationError({"klass": [ERR_OTHER_SCHOOL]})
        require(actor, Perm.MANAGE_PUPILS, klass.unit)
        pupil.klass = klass
    _apply(pupil, clean)
    if before["id_number_index"] != (pupil.id_number_index or ""):
        pupil.person = _resident_for(pupil)
    _save(pupil)
    diff = _diff(before, _snapshot(pupil))
    if diff:
        _record(actor, "pupil.update", pupil, path=pupil.klass.unit.path, changes=diff)
    return pupil


@transaction.atomic
def pupil_deactivate(*, actor, pupil: Pupil, reason: str = "") -> Pupil:
    """Take a pupil off the roll (left the school): no longer counted at checks."""
    require(actor, Perm.MANAGE_PUPILS, pupil.klass.unit)
    if not pupil.active:
        raise ValidationError(ERR_ALREADY_INACTIVE)
    pupil.active = False
    pupil.save(update_fields=["active", "updated_at"])
    _record(
        actor,
        "pupil.deactivate",
        pupil,
        path=pupil.klass.unit.path,
        changes={"active": [True, False]},
        reason=free_text(reason)[:200],
    )
    return pupil


@transaction.atomic
def pupil_link_resident(*, actor, pupil: Pupil) -> Person | None:
    """Link the pupil to the resident whose ID number is the pupil's (the blind indexes
    match), or unlink when none is; the person found, or None."""
    require(actor, Perm.MANAGE_PUPILS, pupil.klass.unit)
    person = _resident_for(pupil)
    if (person.pk if person else None) != pupil.person_id:
        before = pupil.person_id
        pupil.person = person
        pupil.save(update_fields=["person", "updated_at"])
        _record(
            actor,
            "pupil.link_resident",
            pupil,
            path=pupil.klass.unit.path,
            changes={"person": [before, pupil.person_id]},
        )
    return person


# ---------------------------------------------------------------- guardians


@transaction.atomic
def guardian_set(
    *,
    actor,
    pupil: Pupil,
    name: str,
    relation: str = "",
    phone: str = "",
    guardian: Guardian | None = None,
) -> Guardian:
    """Add a guardian to ``pupil``, or change ``guardian``; the phone is stored encrypted
    with its last 4 digits kept for display."""
    require(actor, Perm.MANAGE_PUPILS, pupil.klass.unit)
    if guardian is not None and guardian.pupil_id != pupil.pk:
        raise ValidationError(ERR_GUARDIAN_OTHER_PUPIL)
    errors: dict[str, list] = {}
    name, relation = free_text(name), free_text(relation)
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Guardian, {"name": name, "relation": relation}))
    number = ""
    if strip_all_spaces(to_halfwidth(phone or "")):
        try:
            number = normalize_phone(phone)
        except InvalidPhone as exc:
            errors["phone"] = [exc.message]
    if errors:
        raise ValidationError(errors)
    created = guardian is None
    target = guardian or Guardian(pupil=pupil)
    before = {"name": target.name, "relation": target.relation, "phone": target.phone_masked}
    target.name, target.relation = name, relation
    if number:
        target.phone_encrypted = crypto.encrypt(number, context=GUARDIAN_PHONE_CONTEXT)
        target.phone_last4 = number[-4:]
    else:
        target.phone_encrypted, target.phone_last4 = None, ""
    target.save()
    after = {"name": target.name, "relation": target.relation, "phone": target.phone_masked}
    _record(
        actor,
        "guardian.create" if created else "guardian.update",
        target,
        path=pupil.klass.unit.path,
        changes={"pupil": pupil.pk, **{k: [before[k], v] for k, v in after.items()}}
        if not created
        else {"pupil": pupil.pk, **after},
    )
    return target
