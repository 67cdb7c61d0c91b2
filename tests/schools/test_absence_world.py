"""Shared helpers of the absence, return and guardian-link tests (no tests here): absences
made directly, as a class check would open them, and a doctor of the other school."""

import datetime

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.lib import crypto
from shoumen.schools.models import (
    GUARDIAN_PHONE_CONTEXT,
    Absence,
    Disease,
    Guardian,
)

NOW = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=datetime.UTC)  # Monday 17:00 in Shanghai
TODAY = datetime.date(2026, 11, 16)
GUARDIAN_PHONE = "13900001111"


def open_absence(pupil, *, first_day=TODAY, disease_code=None, onset=None) -> Absence:
    disease = Disease.objects.get(code=disease_code) if disease_code else None
    return Absence.objects.create(
        pupil=pupil,
        klass=pupil.klass,
        school=pupil.school,
        first_day=first_day,
        onset_date=onset,
        symptoms=["fever"],
        disease=disease,
    )


def add_guardian(pupil, phone=GUARDIAN_PHONE) -> Guardian:
    return Guardian.objects.create(
        pupil=pupil,
        name="张大明",
        relation="父亲",
        phone_encrypted=crypto.encrypt(phone, context=GUARDIAN_PHONE_CONTEXT),
        phone_last4=phone[-4:],
    )


def other_school_doctor(world) -> User:
    user, created = User.objects.get_or_create(
        username="other_doctor", defaults={"display_name": "other_doctor"}
    )
    if created:
        RoleAssignment.objects.create(
            user=user, role=Role.SCHOOL_HEALTH_OFFICER, org_unit=world.other_school.unit
        )
    return user
