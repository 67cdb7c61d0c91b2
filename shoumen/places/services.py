"""Writes to the jurisdiction tree: create, rename, move. Only unit managers may."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, covers_everything
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny, length_errors
from shoumen.lib.text import clean_line
from shoumen.places.models import PARENT_LEVEL, Level, OrgUnit, child_level, child_levels

ERR_CODE_REQUIRED = _("Enter a code (letters, digits, - or _).")
ERR_CODE_TAKEN = _("Another unit already has this code.")
ERR_NAME_REQUIRED = _("Enter a name.")
ERR_LEVEL_UNDER_GRID = _("A grid cannot have units under it.")
ERR_LEVEL_NOT_UNDER = _("A %(parent)s cannot hold a %(level)s.")
ERR_MOVE_LEVEL = _("A %(level)s can only be placed under a %(parent)s.")
# A class's pupils, checks and absences belong to its school: it moves only with the school.
ERR_CLASS_STAYS = _("A class stays in its school; move the school instead.")
ERR_MOVE_INTO_ITSELF = _("A unit cannot be moved under itself.")


def _clean_code(code: str) -> str:
    code = clean_line(code).replace(" ", "")
    if not code or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise ValidationError({"code": [ERR_CODE_REQUIRED]})
    return code


@transaction.atomic
def org_unit_create(
    *,
    actor,
    parent: OrgUnit | None,
    code: str,
    name: str,
    level: str | None = None,
    perm: str = Perm.MANAGE_ORG_UNITS,
) -> OrgUnit:
    """Add a unit under ``parent`` (at ``level``, by default the parent's usual child level),
    or a district at the root. ``perm`` is the right needed over the parent: schools pass
    their own (the education bureau adds schools, a school's staff its classes)."""
    if parent is None:
        if not covers_everything(actor, Perm.MANAGE_ORG_UNITS):
            raise deny(ERR_OUT_OF_SCOPE)
        level = Level.DISTRICT
    else:
        if not can(actor, perm, parent):
            raise deny(ERR_OUT_OF_SCOPE)
        level = level or child_level(parent.level)
        if level is None:
            raise ValidationError(ERR_LEVEL_UNDER_GRID)
        if level not in child_levels(parent.level):
            raise ValidationError(
                ERR_LEVEL_NOT_UNDER
                % {"parent": parent.get_level_display(), "level": Level(level).label}
            )
    errors: dict[str, list] = {}
    try:
        code = _clean_code(code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    name = clean_line(name)
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(OrgUnit, {"name": name, "code": code}))
    if "code" not in errors and OrgUnit.objects.filter(code=code).exists():
        errors["code"] = [ERR_CODE_TAKEN]
    if errors:
        raise ValidationError(errors)
    fields = {"code": code, "name": name, "level": level}
    unit = (
        OrgUnit.objects.add_root(create_kwargs=fields)
        if parent is None
        else OrgUnit.objects.add_child(parent, create_kwargs=fields)
    )
    audit_event_record(
        actor=actor,
        action="org_unit.create",
        target=unit,
        org_path=unit.path,
        changes={k: [None, v] for k, v in fields.items()},
    )
    return unit


@transaction.atomic
def org_unit_rename(*, actor, unit: OrgUnit, name: str) -> OrgUnit:
    if not can(actor, Perm.MANAGE_ORG_UNITS, unit):
        raise deny(ERR_OUT_OF_SCOPE)
    name = clean_line(name)
    errors = length_errors(OrgUnit, {"name": name})
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    if errors:
        raise ValidationError(errors)
    old = unit.name
    if old != name:
        unit.name = name
        unit.save(update_fields=["name"])
        audit_event_record(
            actor=actor,
            action="org_unit.rename",
            target=unit,
            org_path=unit.path,
            changes={"name": [old, name]},
        )
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit, with everything under it, to another parent of the right level.

    Buildings, households and persons hang on their grid, so they follow the move.
    """
    if not (
        can(actor, Perm.MANAGE_ORG_UNITS, unit) and can(actor, Perm.MANAGE_ORG_UNITS, new_parent)
    ):
        raise deny(ERR_OUT_OF_SCOPE)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"new_parent": [ERR_MOVE_INTO_ITSELF]})
    if unit.level == Level.CLASS:
        raise ValidationError({"new_parent": [ERR_CLASS_STAYS]})
    expected_parent = PARENT_LEVEL.get(unit.level, Level.DISTRICT)
    if unit.level == Level.DISTRICT or new_parent.level != expected_parent:
        raise ValidationError(
            {
                "new_parent": [
                    ERR_MOVE_LEVEL
                    % {
                        "level": unit.get_level_display(),
                        "parent": Level(expected_parent).label,
                    }
                ]
            }
        )
    old_parent = OrgUnit.objects.get_parent(unit)
    old_path = unit.path
    OrgUnit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="org_unit.move",
        target=unit,
        org_path=unit.path,
        changes={
            "parent": [old_parent.code if old_parent else None, new_parent.code],
            "path": [old_path, unit.path],
        },
    )
    return unit
