"""Editing the alert rules (thresholds, slot deadlines, due minutes): administrators only,
validated, audited with the changes."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.models import AlertRules
from shoumen.alerts.rules import current_rules
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import deny

ERR_FEVER_RANGE = _("The fever threshold is between 37.0 and 38.5 °C.")
ERR_ILI_RANGE = _("The influenza-like illness threshold is between 37.3 and 40.0 °C.")
ERR_ILI_BELOW_FEVER = _("The influenza-like illness threshold cannot be below the fever one.")
ERR_DEADLINE_ORDER = _("The morning deadline must come before the afternoon deadline.")
ERR_MORNING_RANGE = _("The morning deadline is between 06:00 and 12:00.")
ERR_AFTERNOON_RANGE = _("The afternoon deadline is between 12:00 and 22:00.")
ERR_LOST_DAYS = _("Lost contact is counted over 1 to 7 days.")
ERR_MINUTES = _("Enter between 5 and 1,440 minutes (24 hours).")

EDITABLE = (
    "fever_temperature",
    "ili_temperature",
    "morning_deadline",
    "afternoon_deadline",
    "lost_contact_days",
    "fever_due_minutes",
    "ili_due_minutes",
    "red_flag_due_minutes",
    "non_reporting_due_minutes",
    "lost_contact_due_minutes",
    "release_check_due_minutes",
    "escalation_minutes",
)
MINUTE_FIELDS = tuple(f for f in EDITABLE if f.endswith("_minutes"))
MIN_MINUTES, MAX_MINUTES = 5, 1440


def _errors(v: dict[str, Any]) -> dict[str, list]:
    errors: dict[str, list] = {}
    fever, ili = v["fever_temperature"], v["ili_temperature"]
    if not Decimal("37.0") <= fever <= Decimal("38.5"):
        errors["fever_temperature"] = [ERR_FEVER_RANGE]
    if not Decimal("37.3") <= ili <= Decimal("40.0"):
        errors["ili_temperature"] = [ERR_ILI_RANGE]
    elif ili < fever:
        errors["ili_temperature"] = [ERR_ILI_BELOW_FEVER]
    morning, afternoon = v["morning_deadline"], v["afternoon_deadline"]
    if not datetime.time(6) <= morning <= datetime.time(12):
        errors["morning_deadline"] = [ERR_MORNING_RANGE]
    if not datetime.time(12) <= afternoon <= datetime.time(22):
        errors["afternoon_deadline"] = [ERR_AFTERNOON_RANGE]
    deadlines_valid = not errors.get("morning_deadline") and not errors.get("afternoon_deadline")
    if deadlines_valid and morning >= afternoon:
        errors["afternoon_deadline"] = [ERR_DEADLINE_ORDER]
    if not 1 <= v["lost_contact_days"] <= 7:
        errors["lost_contact_days"] = [ERR_LOST_DAYS]
    for name in MINUTE_FIELDS:
        if not MIN_MINUTES <= v[name] <= MAX_MINUTES:
            errors[name] = [ERR_MINUTES]
    return errors


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return value


@transaction.atomic
def alert_rules_update(*, actor, **values: Any) -> AlertRules:
    """Change some or all of the editable rules; the rest keep their values."""
    if not can(actor, Perm.MANAGE_ALERT_RULES):
        raise deny()
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    current_rules()
    rules = AlertRules.objects.select_for_update().get(id=1)
    before = {name: getattr(rules, name) for name in EDITABLE}
    after = {**before, **values}
    errors = _errors(after)
    if errors:
        raise ValidationError(errors)
    changes = {
        name: [_plain(before[name]), _plain(after[name])]
        for name in EDITABLE
        if before[name] != after[name]
    }
    if not changes:
        return rules
    for name, value in after.items():
        setattr(rules, name, value)
    rules.save()
    audit_event_record(actor=actor, action="alert_rules.update", target=rules, changes=changes)
    return rules
