"""The platform's volunteer registry: registering a community's volunteers and changing
their details, the public sign-up by QR code and the staff's approval of it. Phones are
stored encrypted with their last 4 digits for display and a keyed digest (one volunteer per
phone in a community); the audit log only ever holds them masked."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require
from shoumen.audit.services import audit_event_record
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.lib.errors import length_errors
from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone
from shoumen.lib.text import free_text, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    PHONE_CONTEXT,
    VOLUNTEER_PHONE_CONTEXT,
    Person,
    Skill,
    Team,
    TimeOfDay,
    Volunteer,
    VolunteerSource,
    VolunteerStatus,
    Weekday,
)

ERR_NOT_COMMUNITY = _("Volunteers are registered in a community.")
ERR_NAME_REQUIRED = _("Enter the name.")
ERR_BIRTH_YEAR = _("Enter a year of birth from 1900 to this year.")
ERR_RESIDENT_ELSEWHERE = _("This resident does not live in the volunteer's community.")
ERR_LOGIN_TAKEN = _("This login belongs to another volunteer already.")
ERR_PHONE_TAKEN = _(
    "A volunteer of this community already has this phone number: nothing was added."
)
ERR_PHONE_REQUIRED = _("Enter your mobile phone number.")
ERR_CONSENT = _("Agree to the community keeping your details to sign up.")
ERR_CHOICE = _("“%(value)s” is not one of the choices.")
ERR_NOT_PENDING = _("This sign-up has already been approved or rejected.")
ERR_REASON_REQUIRED = _("Give the reason for rejecting.")
ERR_UUID_OTHER = _("This client_uuid was used for another volunteer.")

BIRTH_YEAR_MIN = 1900

ACTION_LABELS = {
    "volunteer.register": _("Volunteer registered"),
    "volunteer.update": _("Volunteer's details changed"),
}
# Apart: the duty app names the two above as its own (a volunteer added to stand duty).
SIGN_UP_ACTION_LABELS = {
    "volunteer.sign_up": _("Volunteer signed up by QR code"),
    "volunteer.approve": _("Volunteer's sign-up approved"),
    "volunteer.reject": _("Volunteer's sign-up rejected"),
}

CHOICES: dict[str, Any] = {
    "teams": Team,
    "skills": Skill,
    "weekdays": Weekday,
    "times_of_day": TimeOfDay,
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


def may_manage(actor, community: OrgUnit) -> bool:
    """Those who register and approve volunteers, and those who set duty up (who add the
    volunteers who stand it)."""
    return can(actor, Perm.MANAGE_VOLUNTEERS, community) or can(actor, Perm.MANAGE_DUTY, community)


def _require_manager(actor, community: OrgUnit) -> None:
    if not may_manage(actor, community):
        require(actor, Perm.MANAGE_VOLUNTEERS, community)


def _phone(raw: str, errors: dict[str, list]) -> str:
    """The number in E.164, '' when none was typed; an error on ``phone`` when invalid."""
    if not strip_all_spaces(to_halfwidth(raw or "")):
        return ""
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        errors["phone"] = [exc.message]
        return ""


def _choices(field: str, values, errors: dict[str, list]) -> list:
    """``values`` of a multiple choice as stored: known ones, each once, in the choices'
    order; an error on ``field`` naming the first unknown one."""
    choices = CHOICES[field]
    given = list(values or [])
    for value in given:
        if value not in choices.values:
            errors[field] = [ERR_CHOICE % {"value": str(value)[:30]}]
            return []
    return [v for v in choices.values if v in given]


def phone_digest(number: str) -> str:
    return crypto.blind_index(number, context=VOLUNTEER_PHONE_CONTEXT)


def _check_phone_free(community: OrgUnit, number: str, volunteer, errors: dict) -> None:
    if not number:
        return
    taken = Volunteer.objects.filter(community=community, phone_index=phone_digest(number))
    if volunteer is not None:
        taken = taken.exclude(pk=volunteer.pk)
    if taken.exists():
        errors["phone"] = [ERR_PHONE_TAKEN]


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
        volunteer.phone_index = phone_digest(number)
    else:
        volunteer.phone_encrypted = None
        volunteer.phone_last4 = ""
        volunteer.phone_index = None


def _masked(number: str) -> str:
    return mask_phone(number) if number else ""


def _save_new(volunteer: Volunteer) -> None:
    """Insert; two sign-ups of one phone at the same moment: the second gets the message."""
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:
        raise ValidationError({"phone": [ERR_PHONE_TAKEN]}) from exc


def _details(
    community: OrgUnit, name: str, phone: str, birth_year, lists: dict, errors: dict
) -> tuple[str, str, dict]:
    name = free_text(name or "")
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Volunteer, {"name": name}))
    number = _phone(phone, errors)
    _check_phone_free(community, number, None, errors)
    errors.update(birth_year_errors(birth_year))
    chosen = {field: _choices(field, values, errors) for field, values in lists.items()}
    return name, number, chosen


def volunteer_by_client_uuid(client_uuid: uuid.UUID | None) -> Volunteer | None:
    if client_uuid is None:
        return None
    return Volunteer.objects.filter(client_uuid=client_uuid).first()


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
    teams=(),
    skills=(),
    is_party_member: bool = False,
    weekdays=(),
    times_of_day=(),
    client_uuid: uuid.UUID | None = None,
) -> Volunteer:
    """A new, approved volunteer of ``community``, added by its staff (those who manage
    volunteers or set duty up)."""
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_NOT_COMMUNITY]})
    _require_manager(actor, community)
    errors: dict[str, list] = {}
    lists = {"teams": teams, "skills": skills, "weekdays": weekdays, "times_of_day": times_of_day}
    name, number, chosen = _details(community, name, phone, birth_year, lists, errors)
    _check_resident(community, resident, errors)
    _check_user(user, None, errors)
    if errors:
        raise ValidationError(errors)
    volunteer = Volunteer(
        community=community,
        name=name,
        birth_year=birth_year,
        resident=resident,
        user=user,
        is_party_member=bool(is_party_member),
        status=VolunteerStatus.APPROVED,
        source=VolunteerSource.STAFF,
        client_uuid=client_uuid,
        **chosen,
    )
    _set_phone(volunteer, number)
    _save_new(volunteer)
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
            "is_party_member": volunteer.is_party_member,
            **chosen,
        },
    )
    return volunteer


@transaction.atomic
def volunteer_sign_up(
    *,
    actor=None,
    community: OrgUnit,
    name: str,
    phone: str,
    birth_year: int | None = None,
    teams=(),
    skills=(),
    is_party_member: bool = False,
    weekdays=(),
    times_of_day=(),
    consent: bool = False,
) -> Volunteer:
    """Someone signs up on the community's public page (no login): a pending volunteer the
    staff approve or reject. A phone the community already has is refused, nothing added."""
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_NOT_COMMUNITY]})
    errors: dict[str, list] = {}
    if not strip_all_spaces(to_halfwidth(phone or "")):
        errors["phone"] = [ERR_PHONE_REQUIRED]
    lists = {"teams": teams, "skills": skills, "weekdays": weekdays, "times_of_day": times_of_day}
    name, number, chosen = _details(community, name, phone, birth_year, lists, errors)
    if not consent:
        errors["consent"] = [ERR_CONSENT]
    if errors:
        raise ValidationError(errors)
    volunteer = Volunteer(
        community=community,
        name=name,
        birth_year=birth_year,
        is_party_member=bool(is_party_member),
        status=VolunteerStatus.PENDING,
        source=VolunteerSource.SIGN_UP,
        signed_up_at=timezone.now(),
        is_active=False,
        **chosen,
    )
    _set_phone(volunteer, number)
    _save_new(volunteer)
    audit_event_record(
        actor=actor,
        action="volunteer.sign_up",
        target=volunteer,
        org_path=community.path,
        changes={"name": name, "phone": _masked(number), "birth_year": birth_year, **chosen},
        actor_label=None if actor is not None else "volunteer sign-up page",
    )
    return volunteer


def resident_with_phone(volunteer: Volunteer) -> Person | None:
    """The one resident of the volunteer's community with the volunteer's phone, if exactly
    one (an exact match on the phone's keyed digest; no ID numbers involved)."""
    number = volunteer.phone()
    if not number:
        return None
    matches = list(
        Person.objects.filter(
            phone_index=crypto.blind_index(number, context=PHONE_CONTEXT),
            grid__path__startswith=volunteer.community.path,
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _review(actor, volunteer: Volunteer) -> Volunteer:
    locked = Volunteer.objects.select_for_update().select_related("community").get(pk=volunteer.pk)
    _require_manager(actor, locked.community)
    if locked.status != VolunteerStatus.PENDING:
        raise ValidationError(ERR_NOT_PENDING)
    return locked


@transaction.atomic
def volunteer_approve(*, actor, volunteer: Volunteer) -> Volunteer:
    """A pending sign-up becomes a volunteer of the community; a resident of the community
    with the same phone is linked to them."""
    volunteer = _review(actor, volunteer)
    volunteer.status = VolunteerStatus.APPROVED
    volunteer.is_active = True
    volunteer.reviewed_by = actor
    volunteer.reviewed_at = timezone.now()
    changes: dict[str, Any] = {"status": [VolunteerStatus.PENDING, VolunteerStatus.APPROVED]}
    if volunteer.resident_id is None and (resident := resident_with_phone(volunteer)):
        volunteer.resident = resident
        changes["resident"] = [None, resident.pk]
    volunteer.save()
    audit_event_record(
        actor=actor,
        action="volunteer.approve",
        target=volunteer,
        org_path=volunteer.community.path,
        changes=changes,
    )
    return volunteer


@transaction.atomic
def volunteer_reject(*, actor, volunteer: Volunteer, reason: str) -> Volunteer:
    """A pending sign-up is turned down, with the reason; the row stays (so the same phone
    signing up again is told it has)."""
    volunteer = _review(actor, volunteer)
    reason = free_text(reason or "")
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [ERR_REASON_REQUIRED]
    if too_long := length_errors(Volunteer, {"reject_reason": reason}):
        errors["reason"] = too_long["reject_reason"]
    if errors:
        raise ValidationError(errors)
    volunteer.status = VolunteerStatus.REJECTED
    volunteer.is_active = False
    volunteer.reviewed_by = actor
    volunteer.reviewed_at = timezone.now()
    volunteer.reject_reason = reason
    volunteer.save()
    audit_event_record(
        actor=actor,
        action="volunteer.reject",
        target=volunteer,
        org_path=volunteer.community.path,
        changes={"status": [VolunteerStatus.PENDING, VolunteerStatus.REJECTED]},
        reason=reason,
    )
    return volunteer


def _list_change(volunteer, field: str, value, errors: dict, changes: dict, new: dict) -> None:
    if value is UNSET:
        return
    chosen = _choices(field, value, errors)
    if chosen != getattr(volunteer, field):
        changes[field] = [getattr(volunteer, field), chosen]
        new[field] = chosen


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
    teams=UNSET,
    skills=UNSET,
    is_party_member: bool = UNSET,
    weekdays=UNSET,
    times_of_day=UNSET,
) -> Volunteer:
    """Change what is given of ``volunteer``'s details (the rest stays)."""
    community = volunteer.community
    _require_manager(actor, community)
    errors: dict[str, list] = {}
    changes: dict[str, Any] = {}
    new: dict[str, Any] = {}
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
        _check_phone_free(community, number, volunteer, errors)
    if birth_year is not UNSET:
        errors.update(birth_year_errors(birth_year))
        if birth_year != volunteer.birth_year:
            changes["birth_year"] = [volunteer.birth_year, birth_year]
    if resident is not UNSET:
        _check_resident(community, resident, errors)
        new_pk = resident.pk if resident else None
        if new_pk != volunteer.resident_id:
            changes["resident"] = [volunteer.resident_id, new_pk]
    if user is not UNSET:
        _check_user(user, volunteer, errors)
        new_pk = user.pk if user else None
        if new_pk != volunteer.user_id:
            changes["user"] = [volunteer.user_id, new_pk]
    if is_active is not UNSET and bool(is_active) != volunteer.is_active:
        changes["is_active"] = [volunteer.is_active, bool(is_active)]
    if is_party_member is not UNSET and bool(is_party_member) != volunteer.is_party_member:
        changes["is_party_member"] = [volunteer.is_party_member, bool(is_party_member)]
    for field, value in (
        ("teams", teams),
        ("skills", skills),
        ("weekdays", weekdays),
        ("times_of_day", times_of_day),
    ):
        _list_change(volunteer, field, value, errors, changes, new)
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
    if is_party_member is not UNSET:
        volunteer.is_party_member = bool(is_party_member)
    for field, value in new.items():
        setattr(volunteer, field, value)
    if changes:
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError as exc:
            raise ValidationError({"phone": [ERR_PHONE_TAKEN]}) from exc
        audit_event_record(
            actor=actor,
            action="volunteer.update",
            target=volunteer,
            org_path=community.path,
            changes=changes,
        )
    return volunteer
