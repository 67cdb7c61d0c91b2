"""Rows written directly with the times a day's figures are rebuilt from."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal

from shoumen.lib.metrics import metric_named
from shoumen.observation.models import HealthReport, Observation, Reason, Slot, Source

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The day counted: a Friday; the tests run on the next day unless they say otherwise.
DAY = datetime.date(2026, 11, 20)
NEXT = DAY + datetime.timedelta(days=1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def observation(
    person,
    grid,
    kind,
    *,
    registered,
    starts_on,
    ends_on,
    status="active",
    changed=None,
    transferred_from=None,
):
    obs = Observation.objects.create(
        person=person,
        grid=grid,
        kind=kind,
        reason=Reason.OTHER,
        starts_on=starts_on,
        period_days=(ends_on - starts_on).days + 1,
        ends_on=ends_on,
        status=status,
        status_changed_at=changed or registered,
        transferred_from=transferred_from,
    )
    # Registered at the time given, not when the test wrote it.
    Observation.objects.filter(pk=obs.pk).update(created_at=registered)
    return obs


def report(
    person, grid, slot, *, day=DAY, temperature=None, source=Source.SELF, reached=None, **symptoms
):
    return HealthReport.objects.create(
        person=person,
        grid=grid,
        date=day,
        slot=slot,
        temperature=Decimal(temperature) if temperature is not None else None,
        source=source,
        reached=reached,
        client_uuid=uuid.uuid4(),
        recorded_at=at(day, 9 if slot == Slot.MORNING else 15),
        **symptoms,
    )


def figures(name: str, world, codes, day=DAY) -> dict[str, float]:
    """The registered metric's values for the units named, keyed by their codes."""
    metric = metric_named(name)
    assert metric is not None, name
    units = {world.unit(code).pk: code for code in codes}
    return {units[pk]: v for pk, v in metric.compute(list(units), day).items()}


GRIDS = ("G1", "G2", "G3", "G4")
