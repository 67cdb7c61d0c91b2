"""Rows the indicator tests build on the persona world, written straight to the tables:
what these tests count is the rows, not how the services make them."""

import datetime
import uuid

from django.utils import timezone

from shoumen.healthcentre.indicators import Area
from shoumen.healthcentre.models import (
    Classification,
    Contract,
    ContractSource,
    ContractStatus,
    Disease,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    Patient,
    PatientSource,
    PatientStatus,
    Referral,
    Way,
)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def contract(person, team, *, starts_on=None, ends_on=None, status=ContractStatus.ACTIVE, **kw):
    starts_on = starts_on or datetime.date(2026, 1, 10)
    confirmed = status != ContractStatus.PENDING
    return Contract.objects.create(
        person=person,
        team=team,
        grid=person.grid,
        status=status,
        source=kw.pop("source", ContractSource.STAFF),
        starts_on=starts_on if confirmed else None,
        ends_on=(ends_on or starts_on.replace(year=starts_on.year + 1) - datetime.timedelta(days=1))
        if confirmed
        else None,
        requested_at=at(starts_on),
        confirmed_at=at(starts_on) if confirmed else None,
        **kw,
    )


def patient(person, *, disease=Disease.HYPERTENSION, team=None, **kw):
    return Patient.objects.create(
        person=person,
        disease=disease,
        team=team,
        grid=person.grid,
        status=kw.pop("status", PatientStatus.ACTIVE),
        source=PatientSource.STAFF,
        registered_on=kw.pop("registered_on", datetime.date(2025, 6, 1)),
        **kw,
    )


def follow_up(patient, day, doctor, *, classification=Classification.SATISFACTORY, **kw):
    """A follow-up whose readings agree with its box (150/95 when not controlled, 130/80
    else) and whose next day is the referral check's (14 days on) or a quarter on."""
    uncontrolled = classification == Classification.UNSATISFACTORY
    referral = kw.pop("referral", Referral.NONE)
    days = 90 if referral == Referral.NONE else 14
    return FollowUp.objects.create(
        patient=patient,
        client_uuid=uuid.uuid4(),
        date=day,
        way=Way.CLINIC,
        systolic=kw.pop("systolic", 150 if uncontrolled else 130),
        diastolic=kw.pop("diastolic", 95 if uncontrolled else 80),
        medication_adherence="regular",
        classification=classification,
        referral=referral,
        next_follow_up_on=kw.pop("next_follow_up_on", day + datetime.timedelta(days=days)),
        doctor=doctor,
        recorded_at=at(day),
        **kw,
    )


def elderly_check(person, centre, year, *, status=ElderlyCheckStatus.DONE, done_on=None):
    return ElderlyCheck.objects.create(
        person=person,
        centre=centre,
        grid=person.grid,
        year=year,
        status=status,
        done_on=done_on
        or (datetime.date(year, 5, 1) if status == ElderlyCheckStatus.DONE else None),
    )


def team_area(team) -> Area:
    """A team's whole area: all its grids, its own contracts and patients."""
    return Area(tuple(team.grids.values_list("path", flat=True)), team.pk)
