"""Overdue requests: an alert on the request's community (cause SERVICE_OVERDUE, keyed by
the request) once an open request passes its time, resolved when it is delivered or
cancelled. ``services_overdue_check`` runs every few minutes and is safe to run again."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.models import OPEN_STATUSES as ALERT_OPEN
from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.alerts.services import alert_raise_for_unit
from shoumen.audit.services import audit_event_record
from shoumen.services.models import OPEN_STATUSES, ServiceRequest
from shoumen.services.rules import overdue_alert_minutes

JOB_LABEL = "services overdue check"
RESOLVED_NOTE = _("The request was delivered or cancelled.")


def _owner(req: ServiceRequest):
    from shoumen.observation.selectors import grid_worker_of

    return req.cadre or grid_worker_of(req.grid)


def _details(req: ServiceRequest) -> dict:
    # What, how urgent and by when: no name, no address.
    return {
        "request": req.pk,
        "kind": req.kind,
        "urgency": req.urgency,
        "due": timezone.localtime(req.due_at).strftime("%Y-%m-%d %H:%M"),
        "status": req.status,
        "kind_label": str(req.get_kind_display()),
        # Where the alert's page leads (the request).
        "path": reverse("services:request", args=[req.pk]),
    }


def overdue_alert_resolve(*, actor, request: ServiceRequest) -> Alert | None:
    """Resolve the request's open overdue alert, if any (the request is closed: nothing is
    left to handle). Done by whoever closed the request, whatever their alert rights."""
    alert = (
        Alert.objects.select_for_update()
        .filter(
            grid_id=request.community_id,
            cause=Cause.SERVICE_OVERDUE,
            key=str(request.pk),
            person__isnull=True,
            status__in=ALERT_OPEN,
        )
        .first()
    )
    if alert is None:
        return None
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at, alert.resolved_by = now, user
    alert.outcome, alert.outcome_note = Outcome.OTHER, str(RESOLVED_NOTE)[:200]
    alert.save()
    audit_event_record(
        actor=user,
        action="alert.resolve",
        target=alert,
        org_path=request.community.path,
        changes={"outcome": Outcome.OTHER, "request": request.pk},
        actor_label=None if user is not None else JOB_LABEL,
    )
    return alert


def services_overdue_check(*, now=None) -> dict:
    """Open an alert for each open request past its time (the community's, owned by the
    request's cadre or else the grid's worker); resolve those of closed requests."""
    now = now or timezone.now()
    opened = 0
    late = (
        ServiceRequest.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
        .select_related("community", "grid", "cadre")
        .order_by("due_at", "pk")
    )
    open_keys = set(
        Alert.objects.filter(
            cause=Cause.SERVICE_OVERDUE, person__isnull=True, status__in=ALERT_OPEN
        ).values_list("key", flat=True)
    )
    for req in late:
        if str(req.pk) in open_keys:
            continue
        _, created = alert_raise_for_unit(
            unit=req.community,
            cause=Cause.SERVICE_OVERDUE,
            key=str(req.pk),
            details=_details(req),
            owner=_owner(req),
            due_minutes=overdue_alert_minutes(),
            now=now,
        )
        opened += created
    resolved = 0
    stale = [int(k) for k in open_keys if k.isdigit()]
    closed = ServiceRequest.objects.filter(pk__in=stale).exclude(status__in=OPEN_STATUSES)
    for req in closed.select_related("community"):
        with transaction.atomic():
            resolved += overdue_alert_resolve(actor=None, request=req) is not None
    return {"opened": opened, "resolved": resolved}
