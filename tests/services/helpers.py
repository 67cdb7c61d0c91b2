"""Shared set-up of the services tests: a request by each door, a volunteer of community
C1 (the checkpoint volunteer's login), a live self-report link for 单明."""

import datetime
import uuid

import time_machine

from shoumen.observation.links import report_link_issue, report_link_token
from shoumen.observation.models import Kind, Observation, Reason, ReportLink
from shoumen.observation.services import observation_start
from shoumen.registry.models import Volunteer
from shoumen.screening.models import VisitTask
from shoumen.screening.services import round_create, visit_record
from shoumen.services.models import Door
from shoumen.services.services import request_create

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def call_request(world, *, person=None, actor=None, **kw):
    kw.setdefault("kind", "groceries")
    kw.setdefault("urgency", "normal")
    kw.setdefault("client_uuid", uuid.uuid4())
    req, _ = request_create(
        actor=actor or world.grid_worker, door=Door.CALL, person=person or world.shan, **kw
    )
    return req


def volunteer_of(world, name="志愿者小李") -> Volunteer:
    """The checkpoint volunteer's login as a volunteer of C1."""
    volunteer, _ = Volunteer.objects.get_or_create(
        user=world.volunteer, defaults={"community": world.community, "name": name}
    )
    return volunteer


def observed(world, person=None, kind=Kind.HOME_ISOLATION):
    person = person or world.shan
    found = Observation.objects.filter(person=person, status="active").first()
    return found or observation_start(
        actor=world.admin_user, person=person, kind=kind, reason=Reason.OTHER
    )


def link_of(world) -> ReportLink:
    link = ReportLink.objects.filter(holder=world.shan).first()
    if link is None:
        observed(world)
        link = report_link_issue(actor=world.admin_user, holder=world.shan, subjects=[world.shan])
    return link


def link_url(world) -> str:
    return f"/r/{report_link_token(link_of(world))}/"


def visit_task(world, day=None):
    day = day or NOW.date()
    round_ = round_create(
        actor=world.community_staff, scope=world.community, name="走访", starts_on=day, ends_on=day
    )
    return VisitTask.objects.get(round=round_, household=world.household_a)


def visit(world, task, *, extras=None, service_need="", client_uuid=None):
    return visit_record(
        actor=world.grid_worker,
        task=task,
        client_uuid=client_uuid or uuid.uuid4(),
        outcome="visited",
        method="in_person",
        service_need=service_need,
        extras=extras,
    )


__all__ = ["NOW", "TZ", "time_machine"]
