"""Every write on a centre's set-up: its teams (grids served, service phone, members, the
QR code's token) and its service packages. Only a manager of the centre
(``manage_health_centre`` at a community it serves) writes; each write is audited."""

import secrets
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import (
    HealthCentre,
    Package,
    PackageKind,
    Team,
    TeamMember,
    TeamRole,
)
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.lib.errors import deny, length_errors
from shoumen.lib.text import clean_line
from shoumen.places.models import Level, OrgUnit

# The fee column holds 8 digits, 2 after the point.
FEE_LIMIT = Decimal("1000000")
HEALTH_ROLES = (
    Role.FAMILY_DOCTOR,
    Role.CENTRE_NURSE,
    Role.PUBLIC_HEALTH_STAFF,
    Role.CENTRE_MANAGER,
)

ERR_GRIDS = _("Choose grids of the communities the centre serves.")
ERR_NAME = _("Give the team a name.")
ERR_NAME_TAKEN = _("The centre already has a team of this name.")
ERR_MEMBER = _("Choose someone who holds a health role over the team's grids.")
ERR_MEMBER_ROLE = _("Choose the member's role in the team.")
ERR_ALREADY_MEMBER = _("This person is already on the team.")
ERR_CODE = _("Give a short code: letters, digits, - or _.")
ERR_CODE_TAKEN = _("The centre already has a package with this code.")
ERR_PACKAGE_NAME = _("Give the package a name.")
ERR_KIND = _("Choose basic or personalised.")
ERR_FEE = _("The fee is a number of yuan, 0 or more.")

ACTION_LABELS = {
    "health_team.create": _("Family doctor team added"),
    "health_team.update": _("Family doctor team changed"),
    "health_team.token_replace": _("Team's sign-up code replaced"),
    "health_team.member_add": _("Member added to a team"),
    "health_team.member_remove": _("Member removed from a team"),
    "health_package.create": _("Service package added"),
    "health_package.update": _("Service package changed"),
}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _require_manager(actor, centre: HealthCentre) -> None:
    if not centres_of(actor, Perm.MANAGE_HEALTH_CENTRE).filter(pk=centre.pk).exists():
        raise deny()


def _record(actor, action: str, target, centre: HealthCentre, changes: dict) -> None:
    audit_event_record(
        actor=actor, action=action, target=target, org_path=centre.street.path, changes=changes
    )


def centre_grids(centre: HealthCentre) -> list[OrgUnit]:
    """The grids of the communities ``centre`` serves."""
    paths = [c.path for c in centre.communities.all()]
    if not paths:
        return []
    under = reduce(or_, (Q(path__startswith=p) for p in paths))
    return list(OrgUnit.objects.filter(under, level=Level.GRID).order_by("path"))


def _check_grids(centre: HealthCentre, grids: Sequence[OrgUnit]) -> list[OrgUnit]:
    allowed = {g.pk for g in centre_grids(centre)}
    if any(g.pk not in allowed for g in grids):
        raise ValidationError({"grids": [ERR_GRIDS]})
    return list(grids)


def team_create(
    *, actor, centre: HealthCentre, name: str, grids: Sequence[OrgUnit] = (), phone: str = ""
) -> Team:
    _require_manager(actor, centre)
    name, phone = clean_line(name), clean_line(phone)
    errors = length_errors(Team, {"name": name, "phone": phone})
    if not name:
        errors["name"] = [ERR_NAME]
    if errors:
        raise ValidationError(errors)
    grids = _check_grids(centre, grids)
    team = Team(centre=centre, name=name, phone=phone, signup_token=new_token())
    with transaction.atomic():
        try:
            with transaction.atomic():
                team.save(force_insert=True)
        except IntegrityError:
            raise ValidationError({"name": [ERR_NAME_TAKEN]}) from None
        team.grids.set(grids)
        _record(
            actor,
            "health_team.create",
            team,
            centre,
            {"name": name, "grids": [g.pk for g in grids], "phone": phone},
        )
    return team


def team_update(*, actor, team: Team, grids: Sequence[OrgUnit], phone: str) -> Team:
    """The grids a team serves and its service phone."""
    _require_manager(actor, team.centre)
    phone = clean_line(phone)
    errors = length_errors(Team, {"phone": phone})
    if errors:
        raise ValidationError(errors)
    grids = _check_grids(team.centre, grids)
    with transaction.atomic():
        team.phone = phone
        team.save(update_fields=["phone"])
        team.grids.set(grids)
        _record(
            actor,
            "health_team.update",
            team,
            team.centre,
            {"grids": sorted(g.pk for g in grids), "phone": phone},
        )
    return team


def team_token_replace(*, actor, team: Team) -> Team:
    """A new QR code for the team: the old printed one stops opening the sign-up page."""
    _require_manager(actor, team.centre)
    with transaction.atomic():
        team.signup_token = new_token()
        team.save(update_fields=["signup_token"])
        _record(actor, "health_team.token_replace", team, team.centre, {})
    return team


def member_candidates(team: Team) -> list[User]:
    """Active users holding a health role over one of the team's grids (or, for a team
    with no grids yet, over a community the centre serves), not already on it."""
    units = list(team.grids.all()) or list(team.centre.communities.all())
    if not units:
        return []
    over = set()
    for unit in units:
        over |= {unit.path[:i] for i in range(0, len(unit.path) + 1)}
    return list(
        User.objects.filter(
            is_active=True, assignments__role__in=HEALTH_ROLES, assignments__org_unit__path__in=over
        )
        .exclude(health_team_places__team=team)
        .distinct()
        .order_by("display_name", "username")
    )


def team_member_add(*, actor, team: Team, user: User, role: str) -> TeamMember:
    _require_manager(actor, team.centre)
    if role not in TeamRole.values:
        raise ValidationError({"role": [ERR_MEMBER_ROLE]})
    if TeamMember.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": [ERR_ALREADY_MEMBER]})
    if user.pk not in {u.pk for u in member_candidates(team)}:
        raise ValidationError({"user": [ERR_MEMBER]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = TeamMember.objects.create(team=team, user=user, role=role)
        except IntegrityError:
            raise ValidationError({"user": [ERR_ALREADY_MEMBER]}) from None
        _record(actor, "health_team.member_add", team, team.centre, {"user": user.pk, "role": role})
    return member


def team_member_remove(*, actor, team: Team, member: TeamMember) -> None:
    _require_manager(actor, team.centre)
    if member.team_id != team.pk:
        raise deny()
    with transaction.atomic():
        user_id, role = member.user_id, member.role
        member.delete()
        _record(
            actor, "health_team.member_remove", team, team.centre, {"user": user_id, "role": role}
        )


def _package_errors(values: dict) -> dict:
    errors = length_errors(Package, {k: values[k] for k in ("code", "name")})
    code = values["code"]
    if not code or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors["code"] = [ERR_CODE]
    if not values["name"]:
        errors["name"] = [ERR_PACKAGE_NAME]
    if values["kind"] not in PackageKind.values:
        errors["kind"] = [ERR_KIND]
    fee = values["fee"]
    if not isinstance(fee, Decimal) or not fee.is_finite() or not 0 <= fee < FEE_LIMIT:
        errors["fee"] = [ERR_FEE]
    return errors


def _package_values(code, name, kind, description, fee, active) -> dict:
    return {
        "code": clean_line(code),
        "name": clean_line(name),
        "kind": kind,
        "description": (description or "").strip(),
        "fee": fee,
        "active": bool(active),
    }


def package_create(
    *,
    actor,
    centre: HealthCentre,
    code: str,
    name: str,
    kind: str,
    description: str = "",
    fee: Decimal = Decimal(0),
    active: bool = True,
) -> Package:
    _require_manager(actor, centre)
    values = _package_values(code, name, kind, description, fee, active)
    errors = _package_errors(values)
    if errors:
        raise ValidationError(errors)
    package = Package(centre=centre, **values)
    with transaction.atomic():
        try:
            with transaction.atomic():
                package.save(force_insert=True)
        except IntegrityError:
            raise ValidationError({"code": [ERR_CODE_TAKEN]}) from None
        _record(actor, "health_package.create", package, centre, {**values, "fee": str(fee)})
    return package


def package_update(
    *,
    actor,
    package: Package,
    name: str,
    kind: str,
    description: str = "",
    fee: Decimal = Decimal(0),
    active: bool = True,
) -> Package:
    """Change a package's name, kind, description, fee or whether it is on offer (its code
    stays: contracts and ledgers name it)."""
    _require_manager(actor, package.centre)
    values = _package_values(package.code, name, kind, description, fee, active)
    errors = _package_errors(values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for field, value in values.items():
            setattr(package, field, value)
        package.save()
        values.pop("code")
        _record(
            actor, "health_package.update", package, package.centre, {**values, "fee": str(fee)}
        )
    return package
