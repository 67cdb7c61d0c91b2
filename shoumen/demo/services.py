"""The demo's resident services, in the first community (where the duty and volunteer
demos work): requests that came by each door — a resident's own link, a household visit, a
call a worker took — over the last three days, some delivered by a volunteer or the grid's
worker and confirmed, some still open (one of them overdue); a standing daily delivery of
groceries for a household isolated at home, with today's delivery made from it; and a few
calls to the psychological support hotline (counts and topics, nobody's words).

Everything random comes from one ``random.Random`` (seed); the client UUIDs are fixed by
the seed, so loading again adds nothing."""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.demo.duty import DUTY_COMMUNITY_CODE
from shoumen.observation.models import Kind as ObservationKind
from shoumen.observation.models import Observation, ObservationStatus
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status, Volunteer, VolunteerStatus
from shoumen.services.hotline import hotline_call_record
from shoumen.services.models import (
    Door,
    HotlineCall,
    Kind,
    RequestStatus,
    ServiceRequest,
    Topic,
    Urgency,
)
from shoumen.services.rules import due_at_for

NAMESPACE = uuid.UUID("0d5c3b7e-2a41-4f6d-9e18-6b2c4a9f3e51")
NOTES = {
    Kind.GROCERIES: ["大米一袋、食用油一桶", "蔬菜和鸡蛋", "牛奶两箱"],
    Kind.MEDICINE: ["降压药（硝苯地平）", "降糖药一盒", "感冒药和退烧药"],
    Kind.DOCTOR: ["老人腿疼，想请家庭医生上门", "复诊开药"],
    Kind.TRANSPORT: ["去医院透析，需要车接送", "到社区医院复查"],
    Kind.PSYCHOLOGICAL: ["隔离期间睡不好，想找人聊聊"],
    Kind.OTHER: ["帮忙倒垃圾", "家里水管漏水"],
}
DONE_NOTES = {
    Kind.GROCERIES: "已送到门口，放在门口凳子上",
    Kind.MEDICINE: "药已代购送达",
    Kind.DOCTOR: "家庭医生已电话问诊并上门",
    Kind.TRANSPORT: "已安排车辆接送",
    Kind.PSYCHOLOGICAL: "已转心理热线回访",
    Kind.OTHER: "已处理",
}
# (door, kind, urgency, days ago, hour, what became of it)
PLAN = [
    (Door.SELF_REPORT, Kind.GROCERIES, Urgency.TODAY, 2, 9, "confirmed"),
    (Door.SELF_REPORT, Kind.MEDICINE, Urgency.URGENT, 1, 15, "confirmed"),
    (Door.SELF_REPORT, Kind.PSYCHOLOGICAL, Urgency.NORMAL, 0, 8, "new"),
    (Door.VISIT, Kind.MEDICINE, Urgency.TODAY, 2, 10, "confirmed"),
    (Door.VISIT, Kind.DOCTOR, Urgency.NORMAL, 1, 11, "done"),
    (Door.VISIT, Kind.OTHER, Urgency.NORMAL, 0, 9, "assigned"),
    (Door.CALL, Kind.TRANSPORT, Urgency.TODAY, 1, 8, "done"),
    (Door.CALL, Kind.GROCERIES, Urgency.NORMAL, 0, 7, "assigned"),
    (Door.CALL, Kind.MEDICINE, Urgency.URGENT, 0, 6, "new"),  # overdue by mid-morning
]
HOTLINE = [(Topic.ANXIETY, 18), (Topic.ISOLATION, 25), (Topic.FAMILY, 12), (Topic.GRIEF, 40)]


def _first_user(role: str, unit_path: str) -> User | None:
    found = (
        RoleAssignment.objects.filter(role=role, org_unit__path__startswith=unit_path)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found else None


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _row(rng, *, person, door, kind, urgency, asked, by, key) -> ServiceRequest:
    return ServiceRequest(
        community_id=OrgUnit.objects.get_parent(person.grid).pk,
        grid=person.grid,
        household_id=person.household_id,
        person=None if door == Door.VISIT else person,
        kind=kind,
        urgency=urgency,
        note=rng.choice(NOTES[kind]),
        door=door,
        due_at=due_at_for(urgency, asked),
        created_by=None if door == Door.SELF_REPORT else by,
        client_uuid=key,
    )


def _carry(req, rng, outcome, asked, now, *, volunteers, worker) -> None:
    if outcome == "new":
        return
    with_login = [v for v in volunteers if v.user_id]
    if outcome == "assigned" and with_login:
        # volunteer1's phone has open tasks to deliver.
        req.volunteer = with_login[0]
    elif volunteers and rng.random() < 0.7:
        req.volunteer = rng.choice(volunteers)
    else:
        req.cadre = worker
    req.status = RequestStatus.ASSIGNED
    req.assigned_at = min(asked + datetime.timedelta(minutes=rng.randint(5, 40)), now)
    req.assigned_by = worker
    if outcome in ("done", "confirmed"):
        req.status = RequestStatus.DONE
        req.done_at = min(req.assigned_at + datetime.timedelta(minutes=rng.randint(30, 150)), now)
        req.done_note = DONE_NOTES[req.kind]
        req.done_by = req.volunteer.user if req.volunteer and req.volunteer.user else worker
    if outcome == "confirmed":
        req.status = RequestStatus.CONFIRMED
        req.confirmed_at = min(req.done_at + datetime.timedelta(minutes=rng.randint(10, 90)), now)


def _save(req: ServiceRequest, asked: datetime.datetime) -> None:
    req.save(force_insert=True)
    # created_at is set on insert; the demo's requests were asked in the past.
    ServiceRequest.objects.filter(pk=req.pk).update(created_at=asked)


@transaction.atomic
def demo_services_load(
    district: OrgUnit, *, day: datetime.date, seed: int, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Load the first community's requests, standing delivery and hotline calls (see the
    module's docstring); the counts."""
    community = OrgUnit.objects.filter(
        code=DUTY_COMMUNITY_CODE, path__startswith=district.path
    ).first()
    if community is None or ServiceRequest.objects.filter(community=community).exists():
        return demo_services_counts(district)
    now = min(now or timezone.now(), _at(day, 23, 59))
    rng = random.Random(seed * 31 + 11)  # noqa: S311 (demo data, not secrets)
    staff = _first_user(Role.COMMUNITY_STAFF, community.path)
    residents = list(
        Person.objects.filter(
            grid__path__startswith=community.path,
            status=Status.RESIDENT,
            household__isnull=False,
        )
        .select_related("grid")
        .order_by("pk")[:400]
    )
    if staff is None or not residents:
        return demo_services_counts(district)
    volunteers = list(
        Volunteer.objects.filter(
            community=community, is_active=True, status=VolunteerStatus.APPROVED
        ).order_by("pk")
    )
    workers: dict[int, User | None] = {}
    for n, (door, kind, urgency, days_ago, hour, outcome) in enumerate(PLAN):
        person = rng.choice(residents)
        grid_id = person.grid_id
        if grid_id not in workers:
            workers[grid_id] = _first_user(Role.GRID_WORKER, person.grid.path) or staff
        worker = workers[grid_id]
        asked = min(_at(day - datetime.timedelta(days=days_ago), hour, rng.randrange(60)), now)
        req = _row(
            rng,
            person=person,
            door=door,
            kind=kind,
            urgency=urgency,
            asked=asked,
            by=worker,
            key=uuid.uuid5(NAMESPACE, f"{seed}:{n}"),
        )
        _carry(req, rng, outcome, asked, now, volunteers=volunteers, worker=worker)
        _save(req, asked)
    _standing(community, rng, day, now, seed, staff, volunteers)
    _hotline(community, rng, day, now, seed, staff)
    return demo_services_counts(district)


def _standing(community, rng, day, now, seed, staff, volunteers) -> None:
    """Groceries every day for a household isolated at home, since two days ago."""
    isolated = (
        Observation.objects.filter(
            grid__path__startswith=community.path,
            status=ObservationStatus.ACTIVE,
            kind=ObservationKind.HOME_ISOLATION,
            person__isnull=False,
        )
        .select_related("person__grid")
        .order_by("pk")
        .first()
    )
    if isolated is None or isolated.person is None:
        return
    person = isolated.person
    worker = _first_user(Role.GRID_WORKER, person.grid.path) or staff
    start = day - datetime.timedelta(days=2)
    asked = min(_at(start, 8), now)
    standing = _row(
        rng,
        person=person,
        door=Door.CALL,
        kind=Kind.GROCERIES,
        urgency=Urgency.TODAY,
        asked=asked,
        by=worker,
        key=uuid.uuid5(NAMESPACE, f"{seed}:standing"),
    )
    standing.standing, standing.for_day = True, start
    standing.standing_until = max(isolated.ends_on, day + datetime.timedelta(days=1))
    standing.note = "隔离户每日生活物资配送"
    _carry(standing, rng, "confirmed", asked, now, volunteers=volunteers, worker=worker)
    _save(standing, asked)
    for offset in (1, 2):
        on = start + datetime.timedelta(days=offset)
        daily_asked = min(_at(on, 7), now)
        daily = _row(
            rng,
            person=person,
            door=Door.CALL,
            kind=Kind.GROCERIES,
            urgency=Urgency.TODAY,
            asked=daily_asked,
            by=None,
            key=uuid.uuid5(NAMESPACE, f"{seed}:standing:{offset}"),
        )
        daily.note, daily.standing_from, daily.for_day = standing.note, standing, on
        daily.created_by = None
        _carry(
            daily,
            rng,
            "confirmed" if on < day else "assigned",
            daily_asked,
            now,
            volunteers=[standing.volunteer] if standing.volunteer else [],
            worker=worker,
        )
        _save(daily, daily_asked)


def _hotline(community, rng, day, now, seed, staff) -> None:
    for n, (topic, minutes) in enumerate(HOTLINE):
        received = min(
            _at(day - datetime.timedelta(days=n % 3), 19 + n % 3, rng.randrange(60)), now
        )
        hotline_call_record(
            actor=staff,
            community=community,
            topic=topic,
            minutes=minutes,
            follow_up_on=day + datetime.timedelta(days=1) if topic == Topic.GRIEF else None,
            received_at=received,
            client_uuid=uuid.uuid5(NAMESPACE, f"{seed}:hotline:{n}"),
        )


def demo_services_counts(district: OrgUnit) -> dict[str, int]:
    requests = ServiceRequest.objects.filter(grid__path__startswith=district.path)
    return {
        "service_requests": requests.count(),
        "service_requests_open": requests.filter(
            status__in=[RequestStatus.NEW, RequestStatus.ASSIGNED]
        ).count(),
        "standing_deliveries": requests.filter(standing=True).count(),
        "hotline_calls": HotlineCall.objects.filter(
            community__path__startswith=district.path
        ).count(),
    }
