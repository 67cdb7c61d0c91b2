"""The elderly annual check: who is due, booking once a year, the record and its bands."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from shoumen.healthcentre import elderly_rules as rules
from shoumen.healthcentre.elderly_selectors import elderly_counts, elderly_due
from shoumen.healthcentre.elderly_services import (
    ERR_ALREADY,
    ERR_NOT_DUE,
    ERR_UUID_REUSED,
    elderly_check_cancel,
    elderly_check_rebook,
)
from shoumen.healthcentre.models import ElderlyCheck, SelfCare
from shoumen.registry.models import Person
from tests.healthcentre.care.helpers import TODAY, book, frozen, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen():
        yield


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, SelfCare.INDEPENDENT),
        (3, SelfCare.INDEPENDENT),
        (4, SelfCare.MILD),
        (8, SelfCare.MILD),
        (9, SelfCare.MODERATE),
        (18, SelfCare.MODERATE),
        (19, SelfCare.DEPENDENT),
        (30, SelfCare.DEPENDENT),
    ],
)
def test_self_care_band_boundaries(score, band):
    assert rules.self_care_band(score) == band


def test_band_constants_are_the_standards_values():
    assert (rules.SELF_CARE_INDEPENDENT_MAX, rules.SELF_CARE_MILD_MAX) == (3, 8)
    assert (rules.SELF_CARE_MODERATE_MAX, rules.SELF_CARE_SCORE_MAX) == (18, 30)


def _born(person: Person, day: datetime.date) -> Person:
    Person.objects.filter(pk=person.pk).update(birth_date=day)
    person.refresh_from_db()
    return person


def test_due_when_the_age_is_reached_within_the_year(world):
    _born(world.shan, datetime.date(1961, 12, 31))
    _born(world.neighbour, datetime.date(1962, 1, 1))
    due_2026 = set(elderly_due(world.family_doctor, year=2026).values_list("name", flat=True))
    assert due_2026 == {"单明", "曾丽"}
    due_2027 = set(elderly_due(world.family_doctor, year=2027).values_list("name", flat=True))
    assert "王刚" in due_2027


def test_due_follows_the_age_setting(world, settings):
    settings.SHOUMEN_ELDERLY_CHECK_AGE = 77
    assert not elderly_due(world.family_doctor, year=2026).exists()
    settings.SHOUMEN_ELDERLY_CHECK_AGE = 76
    assert elderly_due(world.family_doctor, year=2026).count() == 1


def test_residents_of_communities_the_centre_does_not_serve_are_not_due(world):
    _born(world.outsider_person, datetime.date(1940, 1, 1))
    names = set(elderly_due(world.admin_user, year=2026).values_list("name", flat=True))
    assert "李强" not in names


def test_officers_see_no_one_due(world):
    assert not elderly_due(world.street_officer, year=2026).exists()


def test_booking_counts_and_filters(world):
    check = book(world, booked_for=datetime.date(2026, 7, 1))
    assert elderly_counts(world.family_doctor, year=2026) == {"due": 1, "booked": 1, "done": 0}
    assert list(elderly_due(world.family_doctor, year=2026, status="due")) == []
    record(world, check)
    assert elderly_counts(world.family_doctor, year=2026) == {"due": 1, "booked": 0, "done": 1}
    assert elderly_due(world.family_doctor, year=2026, status="done").get().check_id == check.pk


def test_booking_is_idempotent_on_client_uuid(world):
    key = uuid.uuid4()
    first = book(world, client_uuid=key)
    again = book(world, client_uuid=key)
    assert first.pk == again.pk
    assert ElderlyCheck.objects.count() == 1


def test_a_client_uuid_of_another_booking_is_refused(world):
    key = uuid.uuid4()
    _born(world.shan, datetime.date(1950, 5, 5))
    book(world, client_uuid=key)
    with pytest.raises(ValidationError) as exc:
        book(world, person=world.shan, client_uuid=key)
    assert str(ERR_UUID_REUSED) in exc.value.messages


def test_one_check_a_resident_a_year(world):
    book(world)
    with pytest.raises(ValidationError) as exc:
        book(world)
    assert str(ERR_ALREADY) in exc.value.messages


def test_the_database_keeps_one_check_a_year(world):
    check = book(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ElderlyCheck.objects.create(
            person=check.person, centre=check.centre, grid=check.grid, year=2026
        )


def test_a_cancelled_booking_frees_the_year(world):
    check = book(world)
    elderly_check_cancel(actor=world.family_doctor, check=check)
    assert book(world).pk != check.pk


def test_rebooking_changes_the_day(world):
    check = book(world)
    check = elderly_check_rebook(
        actor=world.centre_nurse, check=check, booked_for=datetime.date(2026, 9, 1)
    )
    assert check.booked_for == datetime.date(2026, 9, 1)


def test_not_due_resident_cannot_be_booked(world):
    with pytest.raises(ValidationError) as exc:
        book(world, person=world.shan)
    assert str(ERR_NOT_DUE) in exc.value.messages


def test_officers_cannot_book(world):
    with pytest.raises(PermissionDenied):
        book(world, actor=world.community_staff)


def test_record_sets_band_findings_and_recorder(world):
    check = record(
        world,
        book(world),
        self_care_score=9,
        result="chronic",
        findings={"blood_pressure": {"value": "162/96", "abnormal": True}, "ecg": {"value": ""}},
        advice="低盐饮食",
    )
    assert check.status == "done" and check.self_care == SelfCare.MODERATE
    assert check.findings == {"blood_pressure": {"value": "162/96", "abnormal": True}}
    assert check.recorded_by == world.family_doctor and check.done_on == TODAY


@pytest.mark.parametrize("score", [-1, 31])
def test_record_refuses_a_score_out_of_range(world, score):
    with pytest.raises(ValidationError) as exc:
        record(world, book(world), self_care_score=score)
    assert "self_care_score" in exc.value.error_dict


def test_record_refuses_a_day_after_today(world):
    with pytest.raises(ValidationError) as exc:
        record(world, book(world), done_on=TODAY + datetime.timedelta(days=1))
    assert "done_on" in exc.value.error_dict


def test_record_refuses_an_unknown_finding(world):
    with pytest.raises(ValidationError):
        record(world, book(world), findings={"x_ray": {"value": "ok"}})
