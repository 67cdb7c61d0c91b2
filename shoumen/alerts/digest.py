"""The daily digest for officials (street and district officers): in their jurisdiction,
how many are under observation, today's reporting rate, and open and overdue alerts."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.alerts.messages import words
from shoumen.alerts.models import HEALTH_CAUSES, OPEN_STATUSES, SCHOOL_CAUSES, Alert, AlertStatus
from shoumen.alerts.notify import notify
from shoumen.audit.services import audit_event_record
from shoumen.observation.models import HealthReport, Observation, ObservationStatus

DIGEST_ROLES = (Role.STREET_OFFICER, Role.DISTRICT_OFFICER)
DIGEST_TITLE = _("Daily digest for %(unit)s, %(date)s")
DIGEST_BODY = _(
    "Under observation: %(active)d active observations of %(persons)d persons.\n"
    "Reported today: %(reported)d of %(persons)d (%(rate)s).\n"
    "Open alerts: %(open)d, of which %(overdue)d overdue."
)


@dataclass(frozen=True)
class Digest:
    user_id: int
    unit: str
    active: int
    persons: int
    reported: int
    open_alerts: int
    overdue_alerts: int

    @property
    def rate(self) -> str:
        return f"{self.reported * 100 / self.persons:.0f}%" if self.persons else "-"


def digest_for(
    *, user_id: int, unit_name: str, path: str, day: datetime.date, now: datetime.datetime
) -> Digest:
    observations = Observation.objects.filter(
        status=ObservationStatus.ACTIVE, grid__path__startswith=path, person__isnull=False
    )
    reported_today = Exists(HealthReport.objects.filter(person_id=OuterRef("person_id"), date=day))
    counts = observations.aggregate(
        active=Count("id"),
        persons=Count("person_id", distinct=True),
        reported=Count("person_id", distinct=True, filter=Q(reported_today)),
    )
    # Residents' alerts: schools' go to the school's people and the education bureau and
    # CDC, patients' to the health centre.
    residents = Alert.objects.exclude(cause__in=sorted(SCHOOL_CAUSES | HEALTH_CAUSES))
    alerts = residents.filter(status__in=OPEN_STATUSES, grid__path__startswith=path).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(status=AlertStatus.OPEN, due_at__lt=now)),
    )
    return Digest(
        user_id=user_id,
        unit=unit_name,
        active=counts["active"],
        persons=counts["persons"],
        reported=counts["reported"],
        open_alerts=alerts["open"],
        overdue_alerts=alerts["overdue"],
    )


def digests_send(*, now: datetime.datetime | None = None) -> list[Digest]:
    """One digest per official and unit they are assigned to, into their inbox (with the
    email and SMS copies). The digest carries counts only, no names."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    assignments = (
        RoleAssignment.objects.filter(role__in=DIGEST_ROLES, user__is_active=True)
        .select_related("user", "org_unit")
        .order_by("org_unit__path", "user_id")
    )
    sent = []
    for a in assignments:
        digest = digest_for(
            user_id=a.user_id, unit_name=a.org_unit.name, path=a.org_unit.path, day=day, now=now
        )
        heading = {"unit": a.org_unit.name, "date": day.isoformat()}
        figures = {
            "active": digest.active,
            "persons": digest.persons,
            "reported": digest.reported,
            "rate": str(digest.rate),
            "open": digest.open_alerts,
            "overdue": digest.overdue_alerts,
        }
        notify(
            recipients=[a.user],
            title=str(DIGEST_TITLE % heading),
            body=str(DIGEST_BODY % figures),
            words={
                "title": words("digest.title", heading),
                "body": words("digest.body", figures),
            },
        )
        sent.append(digest)
    if sent:
        audit_event_record(
            actor=None,
            actor_label="digest schedule",
            action="digest.send",
            changes={"recipients": len({d.user_id for d in sent}), "digests": len(sent)},
        )
    return sent
