"""Shared set-up of the care tests: a fixed day, a booked and a recorded elderly check."""

import datetime
import uuid

import time_machine

from shoumen.healthcentre.elderly_services import elderly_check_book, elderly_check_record

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


def frozen():
    return time_machine.travel(NOW, tick=False)


def book(world, person=None, actor=None, year=2026, **kw):
    check, _created = elderly_check_book(
        actor=actor or world.family_doctor,
        person=person or world.zeng,
        year=year,
        client_uuid=kw.pop("client_uuid", uuid.uuid4()),
        **kw,
    )
    return check


def record(world, check, actor=None, **kw):
    values = {"done_on": TODAY, "self_care_score": 2, "result": "normal"}
    values.update(kw)
    return elderly_check_record(actor=actor or world.family_doctor, check=check, **values)
