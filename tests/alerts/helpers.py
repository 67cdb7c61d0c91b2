"""Shared set-up for the alert job tests: observations started at a frozen time."""

import datetime
import uuid
from decimal import Decimal

from shoumen.observation.health_reports import health_report_record
from shoumen.observation.models import Kind, Reason, Slot, Source
from shoumen.observation.services import observation_start

TZ = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 11, 20)


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def observe(world, person, *, kind=Kind.HOME_MONITORING, **values):
    values = {"reason": Reason.OTHER, **values}
    return observation_start(actor=world.admin_user, person=person, kind=kind, **values)


def report(world, person, *, day=DAY, slot=Slot.MORNING, **values):
    row = {
        "person": person.pk,
        "date": day,
        "slot": slot,
        "temperature": Decimal("36.5"),
        "source": Source.WORKER_PHONE,
        "client_uuid": uuid.uuid4(),
        **values,
    }
    return health_report_record(actor=world.admin_user, **row).report


def not_reached(world, person, *, day=DAY, slot=Slot.MORNING):
    return report(world, person, day=day, slot=slot, temperature=None, reached=False)
