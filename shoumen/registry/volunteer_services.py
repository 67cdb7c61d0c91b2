"""The platform's volunteer registry: registering a community's volunteers and changing
their details. Phones are stored encrypted with their last 4 digits for display; the
audit log only ever holds them masked."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.lib.errors import length_errors
from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone
from shoumen.lib.text import free_text, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import VOLUNTEER_PHONE_CONTEXT, Person, Volunteer

ERR_NOT_COMMUNITY = _("Volunteers are registered in a community.")
ERR_NAME_REQUIRED = _("Enter the name.")
ERR_BIRTH_YEAR = _("Enter a year of birth from 1900 to this year.")
ERR_RESIDENT_ELSEWHERE = _("This resident does not live in the volunteer's community.")
ERR_LOGIN_TAKEN = _("This login belongs to another volunteer already.")

BIRTH_YEAR_MIN = 1900

ACTION_LABELS = {
    "volunteer.register": _("Volunteer registered"),
    "volunteer.update": _("Volunteer's details changed"),
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def birth_year_errors(birth_year, field: str = "birth_year") -> dict[str, list]:
    """The year of birth must be a plausible one: 1900 to this year (empty is allowed)."""
    if birth_year is None:
        return {}
    if not isinstance(birth_year, int) or not BIRTH_YEAR_MIN <= birth_year <= today().year:
        return {field: [ERR_BIRTH_YEAR]}
    return {}


def _phone(raw: str, errors: dict[str, list]) -> str:
    """The number in E.164, '' when none was typed; an error on ``phone`` when invalid."""
    if not strip_all_spaces(to_halfwidth(raw or "")):
        return ""
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        errors["phone"] = [exc.message]
        return ""


def _check_resident(community: OrgUnit, resident: Person | None, errors: dict) -> None:
    if resident is None:
        return
    grid_path = resident.grid.path if resident.grid_id else ""
    if not grid_path.startswith(community.path):
        errors["resident"] = [ERR_RESIDENT_ELSEWHERE]


def _check_user(user, volunteer: Volunteer | None, errors: dict) -> None:
    if user is None:
        return
    taken = Volunteer.objects.filter(user=user)
    if volunteer is not None:
        taken = taken.exclude(pk=volunteer.pk)
    if taken.exists():
        errors["user"] = [ERR_LOGIN_TAKEN]


def _set_phone(volunteer: Volunteer, number: str) -> None:
    if number:
        volunteer.phone_encrypted = crypto.encrypt(number, context=VOLUNTEER_PHONE_CONTEXT)
        volunteer.phone_last4 = number[-4:]
    else:
        volunteer.phone_encrypted = None
        volunteer.phone_last4 = ""


def _masked(number: str) -> str:
    return mask_phone(number) if number else ""


@transaction.atomic
def volunteer_register(
    *,
    actor,
    community: OrgUnit,
    name: str,
    phone: str = "",
    birth_year: int | None = None,
    resident: Person | None = None,
    user=None,
) -> Volunteer:
    """A new volunteer of ``community``, by those who set its duty up."""
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_NOT_COMMUNITY]})
    require(actor, Perm.MANAGE_DUTY, community)
    errors: dict[str, list] = {}
    name = free_text(name or "")
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Volunteer, {"name": name}))
    number = _phone(phone, errors)
    errors.update(birth_year_errors(birth_year))
    _check_resident(community, resident, errors)
    _check_user(user, None, errors)
    if errors:
        raise ValidationError(errors)
    volunteer = Volunteer(
        community=community, name=name, birth_year=birth_year, resident=resident, user=user
    )
    _set_phone(volunteer, number)
    volunteer.save()
    audit_event_record(
        actor=actor,
        action="volunteer.register",
        target=volunteer,
        org_path=community.path,
        changes={
            "name": name,
            "phone": _masked(number),
            "birth_year": birth_year,
            "resident": resident.pk if resident else None,
            "user": user.pk if user else None,
        },
    )
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    actor,
    volunteer: Volunteer,
    name: str = UNSET,
    phone: str = UNSET,
    birth_year: int | None = UNSET,
    resident: Person | None = UNSET,
    user=UNSET,
    is_active: bool = UNSET,
) -> Volunteer:
    """Change what is given of ``volunteer``'s details (the rest stays)."""
    community = volunteer.community
    require(actor, Perm.MANAGE_DUTY, community)
    errors: dict[str, list] = {}
    changes: dict[str, Any] = {}
    if name is not UNSET:
        name = free_text(name or "")
        if not name:
            errors["name"] = [ERR_NAME_REQUIRED]
        errors.update(length_errors(Volunteer, {"name": name}))
        if name != volunteer.name:
            changes["name"] = [volunteer.name, name]
    number = UNSET
    if phone is not UNSET:
        number = _phone(phone, errors)
    if birth_year is not UNSET:
        errors.update(birth_year_errors(birth_year))
        if birth_year != volunteer.birth_year:
            changes["birth_year"] = [volunteer.birth_year, birth_year]
    if resident is not UNSET:
        _check_resident(community, resident, errors)
        new = resident.pk if resident else None
        if new != volunteer.resident_id:
            changes["resident"] = [volunteer.resident_id, new]
    if user is not UNSET:
        _check_user(user, volunteer, errors)
        new = user.pk if user else None
        if new != volunteer.user_id:
            changes["user"] = [volunteer.user_id, new]
    if is_active is not UNSET and bool(is_active) != volunteer.is_active:
        changes["is_active"] = [volunteer.is_active, bool(is_active)]
    if errors:
        raise ValidationError(errors)
    if number is not UNSET:
        old = volunteer.phone()
        if number != old:
            changes["phone"] = [_masked(old), _masked(number)]
            _set_phone(volunteer, number)
    if name is not UNSET:
        volunteer.name = name
    if birth_year is not UNSET:
        volunteer.birth_year = birth_year
    if resident is not UNSET:
        volunteer.resident = resident
    if user is not UNSET:
        volunteer.user = user
    if is_active is not UNSET:
        volunteer.is_active = bool(is_active)
    if changes:
        volunteer.save()
        audit_event_record(
            actor=actor,
            action="volunteer.update",
            target=volunteer,
            org_path=community.path,
            changes=changes,
        )
    return volunteer
