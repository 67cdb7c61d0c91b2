import datetime

import pytest

from shoumen.healthcentre.models import (
    Classification,
    ContractStatus,
    Disease,
    ElderlyCheckStatus,
    PatientStatus,
    Referral,
)
from shoumen.registry.models import DocumentType, Relation
from shoumen.registry.services import person_register
from tests.healthcentre.indicators import rows

DAY = datetime.date(2026, 9, 1)


@pytest.fixture
def built(world):
    """The persona world with the centre's work of 2026 (see test_indicators' hand counts)."""
    doctor = world.family_doctor
    shan, zeng, wang = world.shan, world.zeng, world.neighbour
    admin = world.admin_user

    def elder(name, born):
        return person_register(
            actor=admin,
            household=wang.household,
            name=name,
            sex="F",
            birth_date=born,
            document_type=DocumentType.NONE,
            relation_to_head=Relation.PARENT,
        )

    turns_65 = elder("周老太", datetime.date(1961, 12, 31))
    elder("吴阿姨", datetime.date(1962, 1, 1))

    rows.contract(shan, world.team_a)
    rows.contract(wang, world.team_b, status=ContractStatus.PENDING)
    ended = rows.contract(
        zeng,
        world.team_a,
        starts_on=datetime.date(2025, 1, 1),
        status=ContractStatus.ENDED,
    )
    ended.closed_at = rows.at(datetime.date(2026, 1, 1))
    ended.save()

    p_shan = rows.patient(shan, team=world.team_a, next_follow_up_on=datetime.date(2026, 6, 29))
    p_zeng = rows.patient(zeng, team=world.team_a, next_follow_up_on=datetime.date(2026, 9, 8))
    p_wang = rows.patient(
        wang,
        disease=Disease.DIABETES,
        team=world.team_b,
        next_follow_up_on=datetime.date(2026, 11, 13),
    )
    p_wang_ended = rows.patient(
        wang, status=PatientStatus.ENDED, ended_on=datetime.date(2026, 3, 1)
    )
    sat, unsat = Classification.SATISFACTORY, Classification.UNSATISFACTORY
    d = datetime.date
    for day, cls, ref in [
        (d(2025, 11, 1), sat, Referral.NONE),
        (d(2026, 3, 1), sat, Referral.NONE),
        (d(2026, 6, 1), unsat, Referral.URGENT),
        (d(2026, 6, 15), unsat, Referral.NONE),  # 14 days later: the referral checked
    ]:
        rows.follow_up(p_shan, day, doctor, classification=cls, referral=ref)
    for day, cls, ref in [
        (d(2026, 2, 1), sat, Referral.NONE),
        (d(2026, 5, 1), sat, Referral.NONE),
        (d(2026, 7, 1), unsat, Referral.ROUTINE),
        (d(2026, 7, 16), sat, Referral.NONE),  # 15 days later: too late
        (d(2026, 8, 25), sat, Referral.URGENT),  # its window still open on DAY
    ]:
        rows.follow_up(p_zeng, day, doctor, classification=cls, referral=ref)
    for day in [d(2026, 1, 15), d(2026, 4, 15), d(2026, 7, 15), d(2026, 8, 20)]:
        rows.follow_up(p_wang, day, doctor, fasting_glucose=6)
    rows.follow_up(p_wang_ended, d(2026, 2, 1), doctor)

    centre = world.health_centre
    rows.elderly_check(zeng, centre, 2026)
    rows.elderly_check(turns_65, centre, 2026, status=ElderlyCheckStatus.BOOKED)
    rows.elderly_check(zeng, centre, 2025)
    return world
