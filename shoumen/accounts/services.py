"""Users, role assignments and API tokens. Managers act only within their scope and rank."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import ApiToken, RoleAssignment, User
from shoumen.accounts.roles import ROLE_LEVEL, ROLE_RANK, Perm, Role, role_allows
from shoumen.accounts.scoping import assignments_of, can, forget_assignments
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import deny
from shoumen.lib.rawsql import row_converter
from shoumen.lib.text import clean_line
from shoumen.places.models import OrgUnit

ERR_USERNAME_TAKEN = _("This username is taken.")
ERR_USERNAME_FORMAT = _("Use 3 to 30 letters, digits, '.', '-' or '_'.")
ERR_ROLE_LEVEL = _("A %(role)s is assigned to a %(level)s.")
ERR_ROLE_RANK = _("You can only grant roles below your own.")
ERR_ROLE_DUPLICATE = _("The user already holds this role here.")
ERR_CANNOT_CHANGE_SELF = _("You cannot change your own account here.")

REASON_USER_DEACTIVATED = _("The account was deactivated.")

TOKEN_PREFIX = "smt_"  # noqa: S105 (a public marker, not a secret)


def _rank_over(actor, path: str) -> int:
    """The highest rank ``actor`` holds, with the right to manage users, over ``path``."""
    return max(
        (
            ROLE_RANK[Role(role)]
            for role, scope in assignments_of(actor)
            if role_allows(role, Perm.MANAGE_USERS)
            and (role == Role.SYSTEM_ADMIN or path.startswith(scope))
        ),
        default=0,
    )


def _check_grant(actor, role: str, unit: OrgUnit) -> Role:
    role = Role(role)
    if not can(actor, Perm.MANAGE_USERS, unit):
        raise deny()
    level = ROLE_LEVEL[role]
    if level is not None and unit.level != level:
        raise ValidationError(
            {"org_unit": [ERR_ROLE_LEVEL % {"role": role.label, "level": unit.get_level_display()}]}
        )
    if role == Role.SYSTEM_ADMIN or _rank_over(actor, unit.path) <= ROLE_RANK[role]:
        raise ValidationError({"role": [ERR_ROLE_RANK]})
    return role


def user_can_be_managed_by(actor, user: User) -> bool:
    """Managers reach users all of whose assignments lie within their rank and scope."""
    if actor.pk == user.pk:
        return False
    assignments = list(user.assignments.select_related("org_unit"))
    if not assignments:  # an account with no role yet: only a system admin reaches it
        return _rank_over(actor, "") >= ROLE_RANK[Role.SYSTEM_ADMIN]
    return all(_rank_over(actor, a.org_unit.path) > ROLE_RANK[Role(a.role)] for a in assignments)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    org_unit: OrgUnit,
    display_name: str = "",
    email: str = "",
) -> User:
    """Create a user holding one role over ``org_unit``."""
    username = clean_line(username)
    errors: dict[str, list] = {}
    if not (
        3 <= len(username) <= 30
        and all(c.isascii() and (c.isalnum() or c in ".-_") for c in username)
    ):
        errors["username"] = [ERR_USERNAME_FORMAT]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [ERR_USERNAME_TAKEN]
    user = User(username=username, display_name=clean_line(display_name), email=email.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    try:
        role = _check_grant(actor, role, org_unit)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)
    audit_event_record(
        actor=actor,
        action="user.create",
        target=user,
        org_path=org_unit.path,
        changes={
            "username": [None, username],
            "role": [None, role],
            "org_unit": [None, org_unit.code],
        },
    )
    return user


@transaction.atomic
def role_assignment_grant(*, actor, user: User, role: str, org_unit: OrgUnit) -> RoleAssignment:
    if actor.pk == user.pk:
        raise deny(ERR_CANNOT_CHANGE_SELF)
    role = _check_grant(actor, role, org_unit)
    if RoleAssignment.objects.filter(user=user, role=role, org_unit=org_unit).exists():
        raise ValidationError({"role": [ERR_ROLE_DUPLICATE]})
    assignment = RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)
    forget_assignments(user)
    audit_event_record(
        actor=actor,
        action="role.grant",
        target=user,
        org_path=org_unit.path,
        changes={"role": [None, role], "org_unit": [None, org_unit.code]},
    )
    return assignment


@transaction.atomic
def role_assignment_revoke(*, actor, assignment: RoleAssignment) -> None:
    if actor.pk == assignment.user_id:
        raise deny(ERR_CANNOT_CHANGE_SELF)
    _check_grant(actor, assignment.role, assignment.org_unit)
    user, unit, role = assignment.user, assignment.org_unit, assignment.role
    assignment.delete()
    forget_assignments(user)
    audit_event_record(
        actor=actor,
        action="role.revoke",
        target=user,
        org_path=unit.path,
        changes={"role": [role, None], "org_unit": [unit.code, None]},
    )


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    if not user_can_be_managed_by(actor, user):
        raise deny()
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_event_record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            target=user,
            changes={"is_active": [not active, active]},
        )
        if not active:
            _api_tokens_revoke_all(actor=actor, user=user)
    return user


def _api_tokens_revoke_all(*, actor, user: User) -> None:
    """A deactivated user's tokens are revoked for good: reactivating brings none back."""
    now = timezone.now()
    tokens = list(user.api_tokens.filter(revoked_at__isnull=True).order_by("pk"))
    for token in tokens:
        token.revoked_at = now
    ApiToken.objects.bulk_update(tokens, ["revoked_at"])
    for token in tokens:
        audit_event_record(
            actor=actor,
            action="api_token.revoke",
            target=user,
            changes={"token": [token.prefix + "…", None]},
            reason=str(REASON_USER_DEACTIVATED),
        )


@transaction.atomic
def api_token_create(*, actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a personal access token; the raw value is returned once and never stored."""
    if actor is not None and actor.pk != user.pk and not user_can_be_managed_by(actor, user):
        raise deny()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=clean_line(name)[:100], prefix=raw[:12], digest=ApiToken.digest_of(raw)
    )
    audit_event_record(
        actor=actor,
        actor_label=None if actor is not None else "cli",
        action="api_token.create",
        target=user,
        changes={"token": [None, token.prefix + "…"]},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: the owner, a manager of the owner, or the command line (actor None)."""
    user = token.user
    if actor is not None and actor.pk != user.pk and not user_can_be_managed_by(actor, user):
        raise deny()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event_record(
            actor=actor,
            actor_label=None if actor is not None else "cli",
            action="api_token.revoke",
            target=user,
            changes={"token": [token.prefix + "…", None]},
        )
    return token


_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
_USER_COLUMNS = tuple(f.column for f in User._meta.concrete_fields)
_TOKEN_FIELDS = (
    ApiToken._meta.get_field("id"),
    ApiToken._meta.get_field("last_used_at"),
    *User._meta.concrete_fields,
)
# Every API request runs this: plain SQL, since compiling the ORM query cost more than the
# query itself (~1 ms of the ~1.3 ms it took).
_TOKEN_SQL = (
    "SELECT t.id, t.last_used_at, "  # noqa: S608 (column names from the model)
    + ", ".join(f"u.{c}" for c in _USER_COLUMNS)
    + " FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id"
    " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
)


def api_token_authenticate(raw: str) -> User | None:
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [ApiToken.digest_of(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used_at, *user_values = row_converter(_TOKEN_FIELDS)(row)
    user = User.from_db(connection.alias, _USER_FIELDS, user_values)
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user
