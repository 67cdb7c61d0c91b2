"""What the volunteer tests share: a pending sign-up, a duty post with shifts stood in a
published roster, and service requests delivered by a volunteer."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from shoumen.duty.models import Assignment, CheckIn, DutyPerson, Post, PostKind, Shift
from shoumen.registry.volunteer_services import volunteer_register, volunteer_sign_up
from shoumen.services.models import Door, Kind, RequestStatus, ServiceRequest
from tests.duty.rest_helpers import at, published

PHONE = "13912345678"
OTHER_PHONE = "13698765432"


def sign_up(world, name="张晓", phone=PHONE, **extra):
    values = {"teams": ["residents"], "consent": True, **extra}
    return volunteer_sign_up(community=world.community, name=name, phone=phone, **values)


def register(world, name="李红", phone=OTHER_PHONE, **extra):
    return volunteer_register(
        actor=world.community_staff, community=world.community, name=name, phone=phone, **extra
    )


def day_shift(world, hours=8) -> Shift:
    post = Post.objects.create(community=world.community, name="北门", kind=PostKind.PATROL)
    return Shift.objects.create(
        post=post, code="D", label="白班", start=datetime.time(8), hours=Decimal(hours)
    )


def on_duty(volunteer) -> DutyPerson:
    return DutyPerson.objects.get_or_create(
        community=volunteer.community, volunteer=volunteer, defaults={"name": volunteer.name}
    )[0]


def stand(volunteer, shift, days, *, status_published=True, absent=False) -> list[Assignment]:
    """``volunteer`` on ``shift`` on each of ``days`` in a published roster (or a draft)."""
    from shoumen.duty.models import Roster, RosterStatus

    person = on_duty(volunteer)
    if status_published:
        roster = published(volunteer.community, min(days), max(days))
    else:
        roster = Roster.objects.create(
            community=volunteer.community, starts_on=min(days), ends_on=max(days)
        )
        assert roster.status != RosterStatus.PUBLISHED
    made = []
    for day in days:
        starts, ends = at(day, shift)
        made.append(
            Assignment.objects.create(
                roster=roster,
                shift=shift,
                date=day,
                person=person,
                starts_at=starts,
                ends_at=ends,
                absent=absent,
            )
        )
    return made


def check(assignment, kind, when: datetime.datetime) -> CheckIn:
    return CheckIn.objects.create(
        assignment=assignment, kind=kind, at=when, client_uuid=uuid.uuid4()
    )


def service(world, volunteer, status=RequestStatus.DONE, done_at=None) -> ServiceRequest:
    now = timezone.now()
    return ServiceRequest.objects.create(
        community=world.community,
        grid=world.grid_a,
        household=world.household_a,
        client_uuid=uuid.uuid4(),
        kind=Kind.GROCERIES,
        door=Door.CALL,
        due_at=now,
        status=status,
        volunteer=volunteer,
        done_at=done_at
        if done_at is not None
        else (now if status in (RequestStatus.DONE, RequestStatus.CONFIRMED) else None),
    )
