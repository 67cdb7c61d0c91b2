"""Reads of the volunteer registry for its pages, API and ledger, scoped by the actor:
a community's volunteers, one volunteer, the community a sign-up QR code names, and a
volunteer's hours — from duty (published rosters' shifts, actual hours from check-ins where
both were made; duty's own selectors) and from resident services delivered."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.duty.models import CheckIn, CheckKind, DutyPerson, RosterStatus
from shoumen.duty.rest import hours_between, published_shifts
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import unit_by_code_or_id
from shoumen.registry.models import Volunteer, VolunteerStatus
from shoumen.services.models import RequestStatus, ServiceRequest

PERM = Perm.MANAGE_VOLUNTEERS
ZERO = Decimal("0.00")
# Duty before this day is not looked for: the platform did not exist.
EPOCH = datetime.date(2000, 1, 1)
SIGN_UP_SALT = "shoumen.volunteers.sign-up"
DONE_STATUSES = (RequestStatus.DONE, RequestStatus.CONFIRMED)


def hours_per_service() -> Decimal:
    """Hours a delivered service request counts for on a volunteer's record."""
    return Decimal(str(settings.SHOUMEN_VOLUNTEER_HOURS_PER_SERVICE))


# ---------------------------------------------------------------- scope


def communities_of(user) -> QuerySet[OrgUnit]:
    """The communities whose volunteers ``user`` manages."""
    return OrgUnit.objects.filter(scope_q(user, PERM, "path"), level=Level.COMMUNITY).order_by(
        "path"
    )


def community_for(user, pk: int) -> OrgUnit:
    return communities_of(user).get(pk=pk)


def community_by_code_or_id(user, value: str) -> OrgUnit:
    """A community whose volunteers the user manages, by code or id (DoesNotExist else)."""
    return unit_by_code_or_id(communities_of(user), value)


def volunteers_visible_to(user) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(scope_q(user, PERM, "community__path"))


def volunteer_for(user, pk: int) -> Volunteer:
    return volunteers_visible_to(user).select_related("community", "reviewed_by").get(pk=pk)


def my_volunteer(user) -> Volunteer | None:
    """The volunteer record linked to ``user``'s login, if any."""
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("community").filter(user=user).first()


def volunteers_of(
    community: OrgUnit, *, team: str = "", status: str = "", party: bool = False
) -> QuerySet[Volunteer]:
    """A community's volunteers, pending sign-ups first, then by name."""
    qs = Volunteer.objects.filter(community=community)
    if team:
        # A team value is a plain word: its quoted form in the stored list matches it
        # exactly, on SQLite (no JSON containment) and PostgreSQL alike.
        qs = qs.filter(teams__icontains=f'"{team}"')
    if status:
        qs = qs.filter(status=status)
    if party:
        qs = qs.filter(is_party_member=True)
    pending_first = Case(When(status=VolunteerStatus.PENDING, then=Value(0)), default=Value(1))
    return qs.order_by(pending_first, "name", "pk")


def pending_count(community: OrgUnit) -> int:
    return Volunteer.objects.filter(community=community, status=VolunteerStatus.PENDING).count()


# ---------------------------------------------------------------- sign-up key


def sign_up_key(community: OrgUnit) -> str:
    """The key in the community's public sign-up address: its id, signed (no table)."""
    return signing.Signer(salt=SIGN_UP_SALT, sep=".").sign(str(community.pk))


def community_by_sign_up_key(key: str) -> OrgUnit:
    """The community a sign-up key names (DoesNotExist for a key not signed by us)."""
    try:
        pk = signing.Signer(salt=SIGN_UP_SALT, sep=".").unsign(key)
    except signing.BadSignature as exc:
        raise OrgUnit.DoesNotExist from exc
    return OrgUnit.objects.get(pk=int(pk), level=Level.COMMUNITY)


# ---------------------------------------------------------------- hours


@dataclass
class VolunteerHours:
    shifts: int = 0
    planned: Decimal = ZERO  # the shifts' hours as rostered
    checked_shifts: int = 0  # shifts with both a check-in and a check-out
    duty: Decimal = ZERO  # actual hours where checked in and out, else as rostered
    services: int = 0
    service_hours: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.duty + self.service_hours


@dataclass
class HoursRecord:
    rows: dict[int, VolunteerHours] = field(default_factory=dict)

    def of(self, volunteer: Volunteer) -> VolunteerHours:
        return self.rows.get(volunteer.pk, VolunteerHours())


def volunteers_hours(volunteer_ids: list[int], now: datetime.datetime | None = None) -> HoursRecord:
    """Each volunteer's hours up to ``now``: the shifts of published rosters they stood (not
    called in sick) that have ended, and the service requests they delivered (delivered or
    confirmed received). Four queries whatever the number of volunteers."""
    now = now or timezone.now()
    record = HoursRecord({pk: VolunteerHours() for pk in volunteer_ids})
    if not volunteer_ids:
        return record
    person_of = dict(
        DutyPerson.objects.filter(volunteer__in=volunteer_ids).values_list("pk", "volunteer_id")
    )
    last_day = timezone.localtime(now).date()
    checks: dict[tuple, dict[str, datetime.datetime]] = defaultdict(dict)
    if person_of:
        for person_id, shift_id, day, kind, at in CheckIn.objects.filter(
            assignment__person__in=list(person_of),
            assignment__roster__status=RosterStatus.PUBLISHED,
            assignment__absent=False,
        ).values_list(
            "assignment__person_id", "assignment__shift_id", "assignment__date", "kind", "at"
        ):
            checks[(person_id, shift_id, day)][kind] = at
        seen: set[tuple] = set()
        rows = published_shifts(Q(person__in=list(person_of)), EPOCH, last_day)
        for person_id, shift_id, day, starts, ends, _night in rows:
            key = (person_id, shift_id, day)
            if key in seen or ends > now:
                continue
            seen.add(key)
            hours = record.rows[person_of[person_id]]
            planned = hours_between(starts, ends)
            hours.shifts += 1
            hours.planned += planned
            checked = checks.get(key, {})
            if CheckKind.IN in checked and CheckKind.OUT in checked:
                hours.checked_shifts += 1
                hours.duty += hours_between(checked[CheckKind.IN], checked[CheckKind.OUT])
            else:
                hours.duty += planned
    per_service = hours_per_service()
    for volunteer_id, count in (
        ServiceRequest.objects.filter(
            volunteer__in=volunteer_ids, status__in=DONE_STATUSES, done_at__lte=now
        )
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values_list("volunteer", "n")
    ):
        record.rows[volunteer_id].services = count
        record.rows[volunteer_id].service_hours = (per_service * count).quantize(Decimal("0.01"))
    return record


def volunteer_hours(volunteer: Volunteer, now: datetime.datetime | None = None) -> VolunteerHours:
    return volunteers_hours([volunteer.pk], now).of(volunteer)


def services_of(volunteer: Volunteer, limit: int = 50) -> list[ServiceRequest]:
    """The service requests assigned to the volunteer, latest first (kind, day, status:
    nothing of the resident)."""
    return list(
        ServiceRequest.objects.filter(volunteer=volunteer)
        .only("pk", "kind", "status", "done_at", "assigned_at", "due_at", "for_day")
        .order_by("-due_at", "-pk")[:limit]
    )
