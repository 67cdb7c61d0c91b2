"""Setting a community's duty up: its posts and their daily shift patterns (the people who
stand duty are in people_services.py). Every write is atomic, audited and needs
``manage_duty`` over the community."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import (
    Post,
    PostKind,
    Shift,
    Team,
)
from shoumen.lib.errors import length_errors
from shoumen.lib.text import free_text
from shoumen.places.models import Level, OrgUnit

ERR_NOT_COMMUNITY = _("Duty is set up for a community.")
ERR_NAME_REQUIRED = _("Enter the name.")
ERR_POST_NAME_TAKEN = _("This community has a post of this name already.")
ERR_KIND = _("Choose the kind of post.")
ERR_TEAM = _("Choose a team from the list.")
ERR_CHECKPOINT_REQUIRED = _("A checkpoint post stands at one of the community's checkpoints.")
ERR_CHECKPOINT_ELSEWHERE = _("This checkpoint belongs to another community.")
ERR_CHECKPOINT_TAKEN = _("This checkpoint has a post already.")
ERR_CHECKPOINT_NOT_FOR_KIND = _("Only a checkpoint post stands at a checkpoint.")
ERR_NO_SHIFTS = _("Add at least one shift.")
ERR_SHIFT_CODE_REQUIRED = _("Give the shift a code, e.g. A or N.")
ERR_SHIFT_CODE_TAKEN = _("Two shifts of a post cannot have the same code.")
ERR_SHIFT_LABEL_REQUIRED = _("Give the shift a name, e.g. Night.")
ERR_SHIFT_START = _("Enter the starting time as hours and minutes, e.g. 08:00.")
ERR_SHIFT_HOURS = _("A shift lasts from 1 to 24 hours.")
ERR_HEADCOUNT = _("People needed: a whole number from 0 to 50.")
ERR_HEADCOUNT_DAY = _("People needed by day: a weekday from 0 (Monday) to 6, or holiday.")
ERR_SHIFT_IN_USE = _("Shift %(code)s is on a roster already; it cannot be removed.")
ERR_PATTERN = _("Choose a ready-made pattern from the list.")

HEADCOUNT_MAX = 50
HOURS_MIN, HOURS_MAX = 1, 24
DAY_KEYS = ("0", "1", "2", "3", "4", "5", "6", "holiday")
# The small hours: a shift with any time in them is a night shift unless told otherwise.
SMALL_HOURS_END_MINUTES = 5 * 60
DAY_MINUTES = 24 * 60

ACTION_LABELS = {
    "post.create": _("Duty post added"),
    "post.update": _("Duty post changed"),
    "post.shifts_set": _("Duty post's shifts set"),
}


def audit(actor, action: str, target, *, path: str, changes=None) -> None:
    audit_event_record(actor=actor, action=action, target=target, org_path=path, changes=changes)


def check_community(community: OrgUnit) -> None:
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_NOT_COMMUNITY]})


# ---------------------------------------------------------------- shift patterns


def is_night_by_default(start: datetime.time, hours) -> bool:
    """Whether a shift starting at ``start`` and lasting ``hours`` has any time between
    00:00 and 05:00 (on its own day or, crossing midnight, on the next)."""
    begin = start.hour * 60 + start.minute
    end = begin + float(hours) * 60
    return begin < SMALL_HOURS_END_MINUTES or (
        end > DAY_MINUTES and begin < DAY_MINUTES + SMALL_HOURS_END_MINUTES
    )


def _shift(code: str, label, hour: int, hours: int) -> dict[str, Any]:
    return {"code": code, "label": label, "start": datetime.time(hour), "hours": hours}


# Ready-made patterns: key -> (label, shifts).
PATTERNS: dict[str, tuple[Any, list[dict[str, Any]]]] = {
    "three_eights": (
        _("3 × 8 h (00–08 / 08–16 / 16–24)"),
        [
            _shift("N", _("Night"), 0, 8),
            _shift("D", _("Day shift"), 8, 8),
            _shift("E", _("Evening"), 16, 8),
        ],
    ),
    "two_twelves": (
        _("2 × 12 h (08–20 / 20–08)"),
        [_shift("D", _("Day shift"), 8, 12), _shift("N", _("Night"), 20, 12)],
    ),
    "day_only": (_("day only 08–18"), [_shift("D", _("Day shift"), 8, 10)]),
}
DEFAULT_PATTERN = "three_eights"


def pattern_shifts(key: str) -> list[dict[str, Any]]:
    """The shifts of a ready-made pattern, their names in the active language."""
    if key not in PATTERNS:
        raise ValidationError({"pattern": [ERR_PATTERN]})
    return [{**row, "label": str(row["label"])} for row in PATTERNS[key][1]]


def _time(value) -> datetime.time | None:
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                return datetime.datetime.strptime(value.strip(), fmt).time()  # noqa: DTZ007
            except ValueError:
                continue
    return None


def whole_between(value, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and low <= value <= high:
        return value
    return None


def _hours(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not hours.is_finite() or not HOURS_MIN <= hours <= HOURS_MAX:
        return None
    if hours != hours.quantize(Decimal("0.01")):
        return None
    return hours.quantize(Decimal("0.01"))


def _by_day(value) -> dict[str, int] | None:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        return None
    out = {}
    for key, count in value.items():
        number = whole_between(count, 0, HEADCOUNT_MAX)
        if str(key) not in DAY_KEYS or number is None:
            return None
        out[str(key)] = number
    return out


def _validated_shifts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Normalised shift rows; errors keyed ``shifts[i].field`` (``shifts`` for the set)."""
    errors: dict[str, list] = {}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    rows = list(rows)
    if not rows:
        raise ValidationError({"shifts": [ERR_NO_SHIFTS]})
    for i, row in enumerate(rows):

        def bad(field: str, message, i=i) -> None:
            errors.setdefault(f"shifts[{i}].{field}", []).append(message)

        code = free_text(str(row.get("code") or "")).upper()
        label = free_text(str(row.get("label") or ""))
        if not code:
            bad("code", ERR_SHIFT_CODE_REQUIRED)
        elif code in seen:
            bad("code", ERR_SHIFT_CODE_TAKEN)
        seen.add(code)
        if not label:
            bad("label", ERR_SHIFT_LABEL_REQUIRED)
        for field, messages in length_errors(Shift, {"code": code, "label": label}).items():
            for message in messages:
                bad(field, message)
        start = _time(row.get("start"))
        if start is None:
            bad("start", ERR_SHIFT_START)
        hours = _hours(row.get("hours"))
        if hours is None:
            bad("hours", ERR_SHIFT_HOURS)
        headcount = whole_between(row.get("headcount", 1), 0, HEADCOUNT_MAX)
        if headcount is None:
            bad("headcount", ERR_HEADCOUNT)
        by_day = _by_day(row.get("headcount_by_day"))
        if by_day is None:
            bad("headcount_by_day", ERR_HEADCOUNT_DAY)
        is_night = row.get("is_night")
        if is_night is None and start is not None and hours is not None:
            is_night = is_night_by_default(start, hours)
        out.append(
            {
                "code": code,
                "label": label,
                "start": start,
                "hours": hours,
                "headcount": headcount,
                "headcount_by_day": by_day,
                "is_night": bool(is_night),
                "needs_medical": bool(row.get("needs_medical")),
                "needs_party": bool(row.get("needs_party")),
                "no_lone_elder_at_night": bool(row.get("no_lone_elder_at_night")),
                "order": i,
            }
        )
    if errors:
        raise ValidationError(errors)
    return out


def _shift_audit(shift: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **shift,
        "start": shift["start"].strftime("%H:%M"),
        "hours": str(shift["hours"]),
    }


def _lock(post: Post) -> None:
    """Hold ``post`` until the transaction ends: two editors of its shifts take turns."""
    Post.objects.select_for_update().filter(pk=post.pk).first()


def _set_shifts(post: Post, rows: list[dict[str, Any]]) -> None:
    """Replace ``post``'s pattern with ``rows`` (validated): shifts keep their rows by code,
    so rosters that used them stay whole; a removed shift must be on no roster."""
    existing = {s.code: s for s in post.shifts.all()}
    gone = [s for code, s in existing.items() if code not in {r["code"] for r in rows}]
    in_use = [s.code for s in gone if s.assignments.exists()]
    if in_use:
        raise ValidationError({"shifts": [ERR_SHIFT_IN_USE % {"code": c} for c in in_use]})
    Shift.objects.filter(pk__in=[s.pk for s in gone]).delete()
    for row in rows:
        shift = existing.get(row["code"]) or Shift(post=post)
        for field, value in row.items():
            setattr(shift, field, value)
        shift.save()


@transaction.atomic
def post_shifts_set(*, actor, post: Post, shifts: Iterable[Mapping[str, Any]]) -> list[Shift]:
    """Set ``post``'s daily shift pattern in one go; returns its shifts in order."""
    require(actor, Perm.MANAGE_DUTY, post.community)
    rows = _validated_shifts(shifts)
    _lock(post)
    _set_shifts(post, rows)
    audit(
        actor,
        "post.shifts_set",
        post,
        path=post.community.path,
        changes={"shifts": [_shift_audit(r) for r in rows]},
    )
    return list(post.shifts.order_by("order", "start"))


# ---------------------------------------------------------------- posts


def _validated_post(
    community: OrgUnit,
    *,
    name: str,
    kind: str,
    checkpoint: Checkpoint | None,
    team: str,
    post: Post | None = None,
) -> dict[str, Any]:
    errors: dict[str, list] = {}
    name = free_text(name or "")
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    errors.update(length_errors(Post, {"name": name}))
    others = Post.objects.filter(community=community)
    if post is not None:
        others = others.exclude(pk=post.pk)
    if name and others.filter(name=name).exists():
        errors["name"] = [ERR_POST_NAME_TAKEN]
    if kind not in PostKind.values:
        errors["kind"] = [ERR_KIND]
    team = team or ""
    if team and team not in Team.values:
        errors["team"] = [ERR_TEAM]
    if kind == PostKind.CHECKPOINT:
        if checkpoint is None:
            errors["checkpoint"] = [ERR_CHECKPOINT_REQUIRED]
        elif checkpoint.community_id != community.pk:
            errors["checkpoint"] = [ERR_CHECKPOINT_ELSEWHERE]
        elif others.filter(checkpoint=checkpoint).exists():
            errors["checkpoint"] = [ERR_CHECKPOINT_TAKEN]
    elif checkpoint is not None:
        errors["checkpoint"] = [ERR_CHECKPOINT_NOT_FOR_KIND]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "kind": kind, "checkpoint": checkpoint, "team": team}


def _post_audit(values: Mapping[str, Any]) -> dict[str, Any]:
    checkpoint = values.get("checkpoint")
    return {**values, "checkpoint": checkpoint.pk if checkpoint else None}


@transaction.atomic
def post_create(
    *,
    actor,
    community: OrgUnit,
    name: str,
    kind: str,
    checkpoint: Checkpoint | None = None,
    team: str = "",
    shifts: Iterable[Mapping[str, Any]] | None = None,
) -> Post:
    """A new post of ``community``; with ``shifts``, its pattern in the same step."""
    check_community(community)
    require(actor, Perm.MANAGE_DUTY, community)
    values = _validated_post(community, name=name, kind=kind, checkpoint=checkpoint, team=team)
    rows = _validated_shifts(shifts) if shifts is not None else None
    try:
        with transaction.atomic():
            post = Post.objects.create(community=community, **values)
    except IntegrityError:
        # Another clerk took the name or the checkpoint a moment ago: say which.
        _validated_post(community, name=name, kind=kind, checkpoint=checkpoint, team=team)
        raise
    audit(actor, "post.create", post, path=community.path, changes=_post_audit(values))
    if rows is not None:
        _set_shifts(post, rows)
        audit(
            actor,
            "post.shifts_set",
            post,
            path=community.path,
            changes={"shifts": [_shift_audit(r) for r in rows]},
        )
    return post


@transaction.atomic
def post_update(
    *,
    actor,
    post: Post,
    name: str,
    kind: str,
    checkpoint: Checkpoint | None = None,
    team: str = "",
    is_active: bool = True,
    shifts: Iterable[Mapping[str, Any]] | None = None,
) -> Post:
    """Change ``post``; with ``shifts``, set its pattern in the same step."""
    community = post.community
    require(actor, Perm.MANAGE_DUTY, community)
    _lock(post)
    values = _validated_post(
        community, name=name, kind=kind, checkpoint=checkpoint, team=team, post=post
    )
    values["is_active"] = bool(is_active)
    rows = _validated_shifts(shifts) if shifts is not None else None
    changes = {}
    for field, value in values.items():
        old = getattr(post, field)
        if old != value:
            changes[field] = [
                old.pk if isinstance(old, Checkpoint) else old,
                value.pk if isinstance(value, Checkpoint) else value,
            ]
            setattr(post, field, value)
    if changes:
        try:
            with transaction.atomic():
                post.save()
        except IntegrityError:
            _validated_post(
                community, name=name, kind=kind, checkpoint=checkpoint, team=team, post=post
            )
            raise
        audit(actor, "post.update", post, path=community.path, changes=changes)
    if rows is not None:
        _set_shifts(post, rows)
        audit(
            actor,
            "post.shifts_set",
            post,
            path=community.path,
            changes={"shifts": [_shift_audit(r) for r in rows]},
        )
    return post


def _free_name(community: OrgUnit, name: str) -> str:
    """``name``, or with a number added when the community has a post of that name."""
    taken = set(Post.objects.filter(community=community).values_list("name", flat=True))
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}{n}"
        n += 1
    return candidate[: Post._meta.get_field("name").max_length]


@transaction.atomic
def posts_from_checkpoints(*, actor, community: OrgUnit) -> list[Post]:
    """A post (3 × 8 h) for each checkpoint in use of ``community`` that has none yet."""
    check_community(community)
    require(actor, Perm.MANAGE_DUTY, community)
    rows = _validated_shifts(pattern_shifts(DEFAULT_PATTERN))
    created = []
    checkpoints = Checkpoint.objects.filter(
        community=community, is_active=True, duty_post__isnull=True
    ).order_by("name", "pk")
    for checkpoint in checkpoints:
        values = {
            "name": _free_name(community, checkpoint.name),
            "kind": PostKind.CHECKPOINT,
            "checkpoint": checkpoint,
            "team": "",
        }
        post = Post.objects.create(community=community, **values)
        _set_shifts(post, rows)
        audit(
            actor,
            "post.create",
            post,
            path=community.path,
            changes={
                **_post_audit(values),
                "shifts": [_shift_audit(r) for r in rows],
            },
        )
        created.append(post)
    return created
