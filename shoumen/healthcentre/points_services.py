"""Writes on the work-point rules: the manager's table, its missing rows made from the
defaults, and changed points; audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import HealthCentre, PointActivity, PointRule
from shoumen.healthcentre.points_rules import DEFAULT_POINTS
from shoumen.healthcentre.survey_selectors import manages
from shoumen.lib.errors import deny

ERR_POINTS = _("Points from 0 to 1000, with at most two decimals.")
POINTS_MAX = Decimal("1000")

ACTION_LABELS = {
    "point_rules.defaults": _("Work-point rules made from the defaults"),
    "point_rules.update": _("Work-point rules changed"),
}


def _require_manager(actor, centre: HealthCentre) -> None:
    if not manages(actor, centre):
        raise deny()


@transaction.atomic
def point_rules_ensure(*, actor, centre: HealthCentre) -> list[PointRule]:
    """The centre's rules, the missing ones created from the defaults."""
    _require_manager(actor, centre)
    have = set(PointRule.objects.filter(centre=centre).values_list("activity", flat=True))
    missing = [a for a in PointActivity.values if a not in have]
    if missing:
        PointRule.objects.bulk_create(
            [PointRule(centre=centre, activity=a, points=DEFAULT_POINTS[a]) for a in missing],
            ignore_conflicts=True,
        )
        audit_event_record(
            actor=actor,
            action="point_rules.defaults",
            target=centre,
            org_path=centre.street.path,
            changes={a: str(DEFAULT_POINTS[a]) for a in missing},
        )
    return list(PointRule.objects.filter(centre=centre).order_by("pk"))


@transaction.atomic
def point_rules_update(
    *, actor, centre: HealthCentre, points: dict[str, Decimal]
) -> list[PointRule]:
    rules = {r.activity: r for r in point_rules_ensure(actor=actor, centre=centre)}
    errors: dict[str, list] = {}
    for activity, value in points.items():
        if activity not in rules:
            continue
        if (
            value is None
            or value < 0
            or value > POINTS_MAX
            or value != value.quantize(Decimal("0.01"))
        ):
            errors[activity] = [ERR_POINTS]
    if errors:
        raise ValidationError(errors)
    changes = {}
    for activity, value in points.items():
        rule = rules.get(activity)
        if rule is not None and rule.points != value:
            changes[activity] = [str(rule.points), str(value)]
            rule.points = value
            rule.save(update_fields=["points", "updated_at"])
    if changes:
        audit_event_record(
            actor=actor,
            action="point_rules.update",
            target=centre,
            org_path=centre.street.path,
            changes=changes,
        )
    return list(rules.values())
