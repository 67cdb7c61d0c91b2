"""The people who stand a community's duty (staff by login, volunteers from the platform's
volunteer registry) and the days they cannot. Every write is atomic, audited and needs
``manage_duty`` over the community."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.duty.models import Absence, AbsenceKind, DutyPerson, Skill, Team
from shoumen.duty.setup_services import (
    ERR_NAME_REQUIRED,
    ERR_TEAM,
    audit,
    check_community,
    whole_between,
)
from shoumen.lib.errors import length_errors
from shoumen.lib.text import free_text
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Volunteer
from shoumen.registry.volunteer_services import ACTION_LABELS as VOLUNTEER_ACTION_LABELS
from shoumen.registry.volunteer_services import (
    UNSET,
    birth_year_errors,
    volunteer_register,
    volunteer_update,
)

ERR_ONE_KIND_OF_PERSON = _("Choose a staff member, a volunteer, or enter a new volunteer.")
ERR_USER_NOT_STAFF = _("This login holds no role in this community.")
ERR_ALREADY_ON_DUTY = _("This person is on duty in this community already.")
ERR_VOLUNTEER_ELSEWHERE = _("This volunteer belongs to another community.")
ERR_SKILL = _("Choose skills from the list.")
ERR_STAFF_PHONE = _("A staff member's phone is kept with their login.")
ERR_MAX_HOURS = _("Most hours a week: a whole number from 1 to 84.")
ERR_ABSENCE_KIND = _("Choose leave or cannot work.")
ERR_ABSENCE_ORDER = _("The last day comes before the first.")
ERR_ABSENCE_TOO_LONG = _("An absence lasts at most %(days)d days.")
ERR_ABSENCE_OVERLAPS = _("These days overlap an absence from %(start)s to %(end)s (%(kind)s).")
ERR_ABSENCE_NOT_REMOVABLE = _("Only leave and days someone cannot work are removed here.")
MAX_HOURS_WEEK = 84
MAX_ABSENCE_DAYS = 90
ABSENCE_KINDS = (AbsenceKind.LEAVE, AbsenceKind.UNAVAILABLE)

ACTION_LABELS = {
    "duty_person.add": _("Person on duty added"),
    "duty_person.update": _("Person on duty changed"),
    "absence.add": _("Absence from duty recorded"),
    "absence.remove": _("Absence from duty removed"),
    **VOLUNTEER_ACTION_LABELS,
}


# ---------------------------------------------------------------- people on duty


def staff_of(community: OrgUnit):
    """Active logins holding a role at or under ``community``."""
    holders = RoleAssignment.objects.filter(org_unit__path__startswith=community.path)
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id"))


def _person_fields(values: Mapping[str, Any], errors: dict[str, list]) -> dict[str, Any]:
    """The given preference fields of a person on duty, checked."""
    out: dict[str, Any] = {}
    if "team" in values:
        team = values["team"] or ""
        if team and team not in Team.values:
            errors["team"] = [ERR_TEAM]
        out["team"] = team
    if "skills" in values:
        skills = list(dict.fromkeys(values["skills"] or []))
        if any(s not in Skill.values for s in skills):
            errors["skills"] = [ERR_SKILL]
        out["skills"] = skills
    if "birth_year" in values:
        errors.update(birth_year_errors(values["birth_year"]))
        out["birth_year"] = values["birth_year"]
    if "max_hours_week" in values:
        hours = whole_between(values["max_hours_week"], 1, MAX_HOURS_WEEK)
        if hours is None:
            errors["max_hours_week"] = [ERR_MAX_HOURS]
        out["max_hours_week"] = hours
    for flag in ("is_party_member", "prefers_no_nights", "prefers_weekends_off", "is_active"):
        if flag in values:
            out[flag] = bool(values[flag])
    return out


@transaction.atomic
def duty_person_add(
    *,
    actor,
    community: OrgUnit,
    user=None,
    volunteer: Volunteer | None = None,
    new_volunteer: Mapping[str, Any] | None = None,
    team: str = "",
    is_party_member: bool = False,
    skills: Iterable[str] = (),
    birth_year: int | None = None,
    max_hours_week: int = 48,
    prefers_no_nights: bool = False,
    prefers_weekends_off: bool = False,
) -> DutyPerson:
    """Someone who stands duty in ``community``: a staff member by login (holding a role
    at or under the community), an existing volunteer of it, or a new volunteer
    (``new_volunteer``: name, phone, birth_year), registered in the volunteer registry."""
    check_community(community)
    require(actor, Perm.MANAGE_DUTY, community)
    if sum(x is not None for x in (user, volunteer, new_volunteer)) != 1:
        raise ValidationError(ERR_ONE_KIND_OF_PERSON)
    errors: dict[str, list] = {}
    fields = _person_fields(
        {
            "team": team,
            "is_party_member": is_party_member,
            "skills": skills,
            "birth_year": birth_year,
            "max_hours_week": max_hours_week,
            "prefers_no_nights": prefers_no_nights,
            "prefers_weekends_off": prefers_weekends_off,
        },
        errors,
    )
    on_duty = DutyPerson.objects.filter(community=community)
    if user is not None:
        if not staff_of(community).filter(pk=user.pk).exists():
            errors["user"] = [ERR_USER_NOT_STAFF]
        elif on_duty.filter(user=user).exists():
            errors["user"] = [ERR_ALREADY_ON_DUTY]
    if volunteer is not None:
        if volunteer.community_id != community.pk:
            errors["volunteer"] = [ERR_VOLUNTEER_ELSEWHERE]
        elif on_duty.filter(volunteer=volunteer).exists():
            errors["volunteer"] = [ERR_ALREADY_ON_DUTY]
    if errors:
        raise ValidationError(errors)
    if new_volunteer is not None:
        try:
            volunteer = volunteer_register(
                actor=actor,
                community=community,
                name=new_volunteer.get("name") or "",
                phone=new_volunteer.get("phone") or "",
                birth_year=new_volunteer.get("birth_year"),
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"new_volunteer.{key}": value for key, value in exc.error_dict.items()}
            ) from exc
    if volunteer is not None:
        name = volunteer.name
        if fields["birth_year"] is None:
            fields["birth_year"] = volunteer.birth_year
    else:
        name = str(user)[: DutyPerson._meta.get_field("name").max_length]
    try:
        with transaction.atomic():
            person = DutyPerson.objects.create(
                community=community, name=name, user=user, volunteer=volunteer, **fields
            )
    except IntegrityError:
        # Added by someone else a moment ago.
        field = "user" if user is not None else "volunteer"
        raise ValidationError({field: [ERR_ALREADY_ON_DUTY]}) from None
    audit(
        actor,
        "duty_person.add",
        person,
        path=community.path,
        changes={
            "name": name,
            "user": user.pk if user else None,
            "volunteer": volunteer.pk if volunteer else None,
            **fields,
        },
    )
    return person


@transaction.atomic
def duty_person_update(
    *,
    actor,
    person: DutyPerson,
    team: str = UNSET,
    is_party_member: bool = UNSET,
    skills: Iterable[str] = UNSET,
    birth_year: int | None = UNSET,
    max_hours_week: int = UNSET,
    prefers_no_nights: bool = UNSET,
    prefers_weekends_off: bool = UNSET,
    is_active: bool = UNSET,
    name: str = UNSET,
    phone: str = UNSET,
) -> DutyPerson:
    """Change what is given of ``person``'s team, Party membership, skills, year of birth,
    hours and preferences, or set them inactive (the rest stays). A volunteer's name and
    phone change in the volunteer registry too; a staff member's phone is their login's."""
    community = person.community
    require(actor, Perm.MANAGE_DUTY, community)
    if phone is not UNSET and person.volunteer_id is None:
        raise ValidationError({"phone": [ERR_STAFF_PHONE]})
    given = {
        key: value
        for key, value in {
            "team": team,
            "is_party_member": is_party_member,
            "skills": skills,
            "birth_year": birth_year,
            "max_hours_week": max_hours_week,
            "prefers_no_nights": prefers_no_nights,
            "prefers_weekends_off": prefers_weekends_off,
            "is_active": is_active,
        }.items()
        if value is not UNSET
    }
    errors: dict[str, list] = {}
    fields = _person_fields(given, errors)
    if name is not UNSET:
        fields["name"] = free_text(name or "")
        if not fields["name"]:
            errors["name"] = [ERR_NAME_REQUIRED]
        errors.update(length_errors(DutyPerson, {"name": fields["name"]}))
    if errors:
        raise ValidationError(errors)
    if person.volunteer is not None and (name is not UNSET or phone is not UNSET):
        volunteer_update(actor=actor, volunteer=person.volunteer, name=name, phone=phone)
    changes = {}
    for field, value in fields.items():
        old = getattr(person, field)
        if old != value:
            changes[field] = [old, value]
            setattr(person, field, value)
    if changes:
        person.save(update_fields=list(changes))
        audit(actor, "duty_person.update", person, path=community.path, changes=changes)
    return person


# ---------------------------------------------------------------- absences


@transaction.atomic
def absence_add(
    *,
    actor,
    person: DutyPerson,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
) -> Absence:
    """Days ``person`` cannot stand duty. Overlapping or adjoining days of the same kind
    are merged into one absence; days overlapping an absence of another kind are refused."""
    community = person.community
    require(actor, Perm.MANAGE_DUTY, community)
    errors: dict[str, list] = {}
    if kind not in ABSENCE_KINDS:
        errors["kind"] = [ERR_ABSENCE_KIND]
    note = free_text(note or "")
    errors.update(length_errors(Absence, {"note": note}))
    if ends_on < starts_on:
        errors["ends_on"] = [ERR_ABSENCE_ORDER]
    elif (ends_on - starts_on).days + 1 > MAX_ABSENCE_DAYS:
        errors["ends_on"] = [ERR_ABSENCE_TOO_LONG % {"days": MAX_ABSENCE_DAYS}]
    if errors:
        raise ValidationError(errors)
    # Lock the person's absences: two clerks adding days at once merge, not duplicate.
    DutyPerson.objects.select_for_update().filter(pk=person.pk).first()
    day = datetime.timedelta(days=1)
    near = person.absences.filter(starts_on__lte=ends_on + day, ends_on__gte=starts_on - day)
    for other in near.exclude(kind=kind).order_by("starts_on"):
        if other.starts_on <= ends_on and other.ends_on >= starts_on:
            raise ValidationError(
                {
                    "starts_on": [
                        ERR_ABSENCE_OVERLAPS
                        % {
                            "start": other.starts_on.isoformat(),
                            "end": other.ends_on.isoformat(),
                            "kind": other.get_kind_display(),
                        }
                    ]
                }
            )
    same = list(near.filter(kind=kind).order_by("starts_on", "pk"))
    start = min([starts_on, *(a.starts_on for a in same)])
    end = max([ends_on, *(a.ends_on for a in same)])
    if (end - start).days + 1 > MAX_ABSENCE_DAYS:
        raise ValidationError({"ends_on": [ERR_ABSENCE_TOO_LONG % {"days": MAX_ABSENCE_DAYS}]})
    if same:
        absence = same[0]
        Absence.objects.filter(pk__in=[a.pk for a in same[1:]]).delete()
        absence.starts_on, absence.ends_on = start, end
        absence.note = "; ".join(n for n in dict.fromkeys([absence.note, note]) if n)[
            : Absence._meta.get_field("note").max_length
        ]
        absence.save()
    else:
        absence = Absence.objects.create(
            person=person, kind=kind, starts_on=start, ends_on=end, note=note, created_by=actor
        )
    audit(
        actor,
        "absence.add",
        absence,
        path=community.path,
        changes={
            "person": person.pk,
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "merged_into": [start.isoformat(), end.isoformat()] if same else None,
        },
    )
    return absence


@transaction.atomic
def absence_remove(*, actor, absence: Absence) -> None:
    """Remove a leave or a days-cannot-work absence (sick calls and ordered rest are
    undone where they were made)."""
    person = absence.person
    community = person.community
    require(actor, Perm.MANAGE_DUTY, community)
    if absence.kind not in ABSENCE_KINDS:
        raise ValidationError(ERR_ABSENCE_NOT_REMOVABLE)
    audit(
        actor,
        "absence.remove",
        absence,
        path=community.path,
        changes={
            "person": person.pk,
            "kind": absence.kind,
            "starts_on": absence.starts_on.isoformat(),
            "ends_on": absence.ends_on.isoformat(),
        },
    )
    absence.delete()
