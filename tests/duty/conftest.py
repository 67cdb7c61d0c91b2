"""A community's duty set-up for the duty tests: in 光华社区 (C1), the north gate's post
(three 8-hour shifts, one person each) and a 24-hour monitoring point (2 × 12 h), and
twelve people on duty: the community staff member, the checkpoint volunteer (by the
volunteer record linked to their login) and ten more volunteers. Solving runs in the
request (the immediate task backend)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import DutyPerson, Post, PostKind, Shift, Team
from shoumen.registry.models import Volunteer

# A Monday with no holiday near; tests freeze time on it.
MONDAY = datetime.date(2026, 3, 2)
NOW = "2026-03-02 09:00 +0800"


@dataclass
class Duty:
    community: object
    gate: Post
    monitoring: Post
    staff: DutyPerson
    volunteer: DutyPerson
    people: list[DutyPerson]


def add_shifts(post: Post, pattern: list[tuple[str, str, int, int, bool]]) -> list[Shift]:
    return [
        Shift.objects.create(
            post=post,
            code=code,
            label=label,
            start=datetime.time(hour),
            hours=Decimal(hours),
            is_night=night,
            headcount=1,
            order=i,
        )
        for i, (code, label, hour, hours, night) in enumerate(pattern)
    ]


THREE = [("N", "夜班", 0, 8, True), ("D", "白班", 8, 8, False), ("E", "晚班", 16, 8, False)]
TWELVE = [("D", "白班", 8, 12, False), ("N", "夜班", 20, 12, True)]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def duty(world, immediate_tasks) -> Duty:
    return build_duty(world)


def build_duty(world) -> Duty:
    """C1's duty set-up (see the module's docstring); also the browser journeys'."""
    c1 = world.community
    checkpoint = Checkpoint.objects.create(community=c1, name="北门")
    gate = Post.objects.create(
        community=c1, name="北门卡点", kind=PostKind.CHECKPOINT, checkpoint=checkpoint
    )
    add_shifts(gate, THREE)
    monitoring = Post.objects.create(community=c1, name="24小时监测点", kind=PostKind.MONITORING)
    add_shifts(monitoring, TWELVE)
    staff = DutyPerson.objects.create(
        community=c1, name="社区工作人员", user=world.community_staff, team=Team.PARTY
    )
    linked = Volunteer.objects.create(community=c1, name="志愿者小李", user=world.volunteer)
    volunteer = DutyPerson.objects.create(community=c1, name=linked.name, volunteer=linked)
    people = [staff, volunteer]
    for i in range(1, 11):
        v = Volunteer.objects.create(community=c1, name=f"志愿者{i:02d}", birth_year=1980 + i)
        team = Team.MEDICAL if i <= 3 else Team.RESIDENTS
        people.append(DutyPerson.objects.create(community=c1, name=v.name, volunteer=v, team=team))
    return Duty(c1, gate, monitoring, staff, volunteer, people)
