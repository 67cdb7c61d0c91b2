"""Standing daily deliveries and each isolated household's 包保 cadre.

A standing request (``standing`` with ``standing_until``) stands for a delivery every day
until its last day: ``standing_requests_make`` makes that day's request from it, once per
day (the database keeps one per standing request and day), given to whoever the standing
request was given to. A household under home isolation has a responsible cadre: unless one
was named, its grid worker."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, require
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.text import clean_line
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household, Volunteer, VolunteerStatus
from shoumen.services.models import Cadre, RequestStatus, ServiceRequest, Urgency
from shoumen.services.rules import due_at_for

JOB_LABEL = "standing deliveries"
ERR_CADRE_ONE = _("Name one responsible person: a member of staff, a volunteer or a name.")
ERR_CADRE_STAFF = _("Choose staff who work for the household's grid.")
ERR_CADRE_VOLUNTEER = _("Choose an active volunteer of the household's community.")

# uuid5 namespace: a day's request from a standing one has a fixed client UUID.
_DAILY_NS = uuid.UUID("4f7d0a52-9c1e-4b7e-8f0b-2a6c3d5e1f00")


def daily_uuid(standing: ServiceRequest, day: datetime.date) -> uuid.UUID:
    return uuid.uuid5(_DAILY_NS, f"{standing.pk}:{day.isoformat()}")


def standing_requests_make(*, day: datetime.date | None = None) -> dict:
    """The day's request of each standing delivery still running; a second run that day
    makes nothing."""
    day = day or today()
    made = 0
    running = (
        ServiceRequest.objects.filter(
            standing=True, standing_until__gte=day, created_at__date__lt=day
        )
        .exclude(status=RequestStatus.CANCELLED)
        .exclude(daily_requests__for_day=day)
        .select_related("grid", "community", "volunteer", "household__grid")
        .order_by("pk")
    )
    for standing in running:
        made += _daily_make(standing, day)
    return {"made": made}


def _daily_make(standing: ServiceRequest, day: datetime.date) -> int:
    now = timezone.now()
    volunteer = standing.volunteer if standing.volunteer and standing.volunteer.is_active else None
    cadre_id = standing.cadre_id
    if volunteer is None and cadre_id is None and standing.household is not None:
        # Unassigned: the household's responsible cadre carries it (its grid worker when
        # the household is isolated at home and no one else was named).
        cadre = cadre_of(standing.household, day)
        if cadre is not None and cadre.user_id is not None:
            cadre_id = cadre.user_id
        elif cadre is not None and cadre.volunteer_id is not None:
            volunteer = cadre.volunteer
    assigned = volunteer is not None or cadre_id is not None
    req = ServiceRequest(
        community=standing.community,
        grid=standing.grid,
        household_id=standing.household_id,
        person_id=standing.person_id,
        kind=standing.kind,
        urgency=Urgency.TODAY,
        note=standing.note,
        door=standing.door,
        standing_from=standing,
        for_day=day,
        status=RequestStatus.ASSIGNED if assigned else RequestStatus.NEW,
        volunteer=volunteer,
        cadre_id=cadre_id,
        assigned_at=now if assigned else None,
        due_at=due_at_for(Urgency.TODAY, max(now, _start_of(day))),
        client_uuid=daily_uuid(standing, day),
    )
    try:
        with transaction.atomic():
            req.save(force_insert=True)
            audit_event_record(
                actor=None,
                action="service_request.create",
                target=req,
                org_path=standing.grid.path,
                changes={"standing_from": standing.pk, "for_day": day.isoformat()},
                actor_label=JOB_LABEL,
            )
    except IntegrityError:
        return 0
    return 1


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))


# ---------------------------------------------------------------- 包保 cadres


def _isolated(household: Household, day: datetime.date) -> bool:
    from shoumen.observation.models import Kind, Observation, ObservationStatus

    return Observation.objects.filter(
        person__household=household,
        status=ObservationStatus.ACTIVE,
        kind=Kind.HOME_ISOLATION,
        starts_on__lte=day,
    ).exists()


def cadre_current(household: Household, day: datetime.date | None = None) -> Cadre | None:
    day = day or today()
    return (
        Cadre.objects.filter(household=household, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .select_related("user", "volunteer")
        .order_by("-since", "-pk")
        .first()
    )


def cadre_of(household: Household, day: datetime.date | None = None) -> Cadre | None:
    """The household's cadre on ``day``; for a household under home isolation without one
    named, its grid worker (an unsaved Cadre: reading a page writes nothing)."""
    from shoumen.observation.selectors import grid_worker_of

    day = day or today()
    found = cadre_current(household, day)
    if found is not None or not _isolated(household, day):
        return found
    worker = grid_worker_of(household.grid)
    if worker is None:
        return None
    return Cadre(household=household, user=worker, since=day)


def cadre_set(
    *,
    actor,
    household: Household,
    user=None,
    volunteer: Volunteer | None = None,
    name: str = "",
    since: datetime.date | None = None,
) -> Cadre:
    """Name the household's responsible cadre from ``since`` (today): the one before ends
    the day before."""
    require(actor, Perm.MANAGE_SERVICES, household.grid)
    name = clean_line(name or "")[:50]
    if sum(x is not None and x != "" for x in (user, volunteer, name)) != 1:
        raise ValidationError({"user": [ERR_CADRE_ONE]})
    if user is not None and not covers(user, Perm.MANAGE_SERVICES, household.grid.path):
        raise ValidationError({"user": [ERR_CADRE_STAFF]})
    community_id = OrgUnit.objects.get_parent(household.grid).pk
    if volunteer is not None and (
        volunteer.community_id != community_id
        or not volunteer.is_active
        or volunteer.status != VolunteerStatus.APPROVED
    ):
        raise ValidationError({"volunteer": [ERR_CADRE_VOLUNTEER]})
    since = since or today()
    with transaction.atomic():
        Cadre.objects.select_for_update().filter(household=household, until__isnull=True).filter(
            since__lt=since
        ).update(until=since - datetime.timedelta(days=1))
        Cadre.objects.filter(household=household, until__isnull=True, since__gte=since).update(
            until=since
        )
        cadre = Cadre.objects.create(
            household=household,
            user=user,
            volunteer=volunteer,
            name=name,
            since=since,
            created_by=actor,
        )
        audit_event_record(
            actor=actor,
            action="cadre.set",
            target=cadre,
            org_path=household.grid.path,
            changes={
                "household": household.pk,
                "user": user.pk if user else None,
                "volunteer": volunteer.pk if volunteer else None,
                "named": bool(name),
            },
        )
    return cadre
