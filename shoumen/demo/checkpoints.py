"""The demo's checkpoints: the first community (where volunteer1 stands) has a north and a
south gate, and every resident there holds a pass, so the scan page works at once.

Passes are written in bulk in the form ``pass_issue`` stores: version 1, valid for
``PASS_VALID_DAYS`` from the reference day, revoked for isolation where an isolation runs."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.checkpoints.models import Checkpoint, Pass, PassStatus, RevokeReason
from shoumen.demo.plan import community_code
from shoumen.lib.dates import today
from shoumen.observation.models import ISOLATION_KINDS, Observation, ObservationStatus
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status

# The community with passes: volunteer1's.
PASS_COMMUNITY_CODE = community_code(1, 1)
DEMO_CHECKPOINTS: list[dict[str, Any]] = [
    {"name": "北门", "location": "北门岗亭", "opens_at": None, "closes_at": None},
    {
        "name": "南门",
        "location": "南门（步行）",
        "opens_at": datetime.time(6, 0),
        "closes_at": datetime.time(22, 0),
    },
]


def demo_checkpoints_load(district: OrgUnit, *, day: datetime.date) -> dict[str, int]:
    community = OrgUnit.objects.get(code=PASS_COMMUNITY_CODE, path__startswith=district.path)
    Checkpoint.objects.bulk_create([Checkpoint(community=community, **c) for c in DEMO_CHECKPOINTS])
    now = (
        timezone.now()
        if day == today()
        else timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    )
    issuer = (
        RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, org_unit=community)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    isolated = set(
        Observation.objects.filter(
            grid__path__startswith=community.path,
            status=ObservationStatus.ACTIVE,
            kind__in=ISOLATION_KINDS,
        ).values_list("person_id", flat=True)
    )
    valid_until = day + datetime.timedelta(days=settings.PASS_VALID_DAYS)
    residents = (
        Person.objects.filter(grid__path__startswith=community.path, status=Status.RESIDENT)
        .order_by("pk")
        .values_list("pk", "household_id")
    )
    passes = [
        Pass(
            person_id=person_id,
            community=community,
            household_id=household_id,
            valid_until=valid_until,
            status=PassStatus.REVOKED if person_id in isolated else PassStatus.VALID,
            revoke_reason=RevokeReason.ISOLATION if person_id in isolated else "",
            changed_at=now,
            issued_at=now,
            issued_by_id=issuer,
        )
        for person_id, household_id in residents
    ]
    Pass.objects.bulk_create(passes, batch_size=2000)
    return {"checkpoints": len(DEMO_CHECKPOINTS), "passes": len(passes)}


def demo_checkpoint_counts(district: OrgUnit) -> dict[str, int]:
    return {
        "checkpoints": Checkpoint.objects.filter(community__path__startswith=district.path).count(),
        "passes": Pass.objects.filter(community__path__startswith=district.path).count(),
    }
