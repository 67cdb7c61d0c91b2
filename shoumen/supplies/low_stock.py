"""Low-stock alerts: a balance below its reorder level opens (or updates) one alert on the
holder's community, keyed by holder and item; a balance back at or above its level (or
whose level is cleared) resolves it. Run inside the transaction that changed the balance.

The alert carries no personal data: the holder's name is left out for a worker's kit."""

import logging

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.accounts.scoping import can
from shoumen.alerts.families import handling_perm
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause, Outcome
from shoumen.alerts.services import alert_raise_for_unit, alert_resolve
from shoumen.places.models import Level, OrgUnit
from shoumen.supplies.models import Balance, Holder, HolderKind
from shoumen.supplies.rules import low_stock_due_minutes

NOTE_BACK_IN_STOCK = _("Stock back at its reorder level.")
logger = logging.getLogger(__name__)


def alert_key(balance: Balance) -> str:
    return f"{balance.holder_id}:{balance.item_id}"


def community_of(unit: OrgUnit) -> OrgUnit:
    """The community at or above ``unit``; the unit itself when it is above communities."""
    if unit.level == Level.COMMUNITY:
        return unit
    step = OrgUnit.steplen
    prefixes = [unit.path[:i] for i in range(step, len(unit.path), step)]
    found = OrgUnit.objects.filter(path__in=prefixes, level=Level.COMMUNITY).first()
    return found or unit


def _owner(community: OrgUnit) -> User | None:
    """The first active community staff member of ``community``, if there is one."""
    assignment = (
        RoleAssignment.objects.filter(
            org_unit=community, role=Role.COMMUNITY_STAFF, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _details(balance: Balance, holder: Holder) -> dict:
    item = balance.item
    details = {
        "holder_id": holder.pk,
        "holder_kind": holder.kind,
        "item_id": item.pk,
        "item": item.name,
        "unit": item.unit,
        "quantity": str(balance.quantity),
        "reorder_level": str(balance.reorder_level),
        # Where the alert's page leads (the holder's stock).
        "path": reverse("supplies:holder", args=[holder.pk]),
    }
    if holder.kind != HolderKind.WORKER_KIT:
        details["holder"] = holder.name
    return details


def is_low(balance: Balance) -> bool:
    return balance.reorder_level is not None and balance.quantity < balance.reorder_level


def low_stock_review(*, actor, balance: Balance) -> Alert | None:
    """Open, update or resolve the low-stock alert of ``balance``; the open alert or None."""
    holder = balance.holder
    community = community_of(holder.org_unit)
    key = alert_key(balance)
    if is_low(balance):
        alert, _created = alert_raise_for_unit(
            unit=community,
            cause=Cause.SUPPLIES_LOW_STOCK,
            key=key,
            details=_details(balance, holder),
            owner=_owner(community),
            due_minutes=low_stock_due_minutes(),
        )
        return alert
    open_alert = Alert.objects.filter(
        grid=community,
        cause=Cause.SUPPLIES_LOW_STOCK,
        key=key,
        person__isnull=True,
        status__in=OPEN_STATUSES,
    ).first()
    if open_alert is not None:
        if can(actor, handling_perm(Cause.SUPPLIES_LOW_STOCK), community):
            alert_resolve(
                actor=actor, alert=open_alert, outcome=Outcome.OTHER, note=str(NOTE_BACK_IN_STOCK)
            )
        else:
            # Stock only comes back through managers' movements; someone else leaves the
            # alert to its handlers.
            logger.info("low-stock alert %s left open: actor may not resolve it", open_alert.pk)
    return None
