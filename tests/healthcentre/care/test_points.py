"""Work points counted from recorded work, against a hand count; the rules the manager
edits; who sees whose points."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from shoumen.healthcentre.models import Contract, ContractSource, PointRule
from shoumen.healthcentre.points_rules import DEFAULT_POINTS
from shoumen.healthcentre.points_selectors import centre_members, points_items, points_table
from shoumen.healthcentre.points_services import point_rules_ensure, point_rules_update
from shoumen.healthcentre.survey_services import survey_answer
from tests.healthcentre.care.helpers import book, frozen, record
from tests.healthcentre.care.test_surveys import elderly, open_survey

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.LANGUAGE_CODE = "en"
    with frozen():
        yield


@pytest.fixture
def work(world):
    """June's recorded work: see the hand count in test_points_from_recorded_work."""
    from shoumen.healthcentre.contract_services import contract_sign
    from tests.healthcentre.chronic.helpers import record as follow_up
    from tests.healthcentre.chronic.helpers import register

    patient = register(world)  # 曾丽, 76: controlled below 150/90
    follow_up(world, patient, date=datetime.date(2026, 5, 20), systolic=160, diastolic=95)
    late = follow_up(world, patient, date=datetime.date(2026, 6, 10), systolic=160, diastolic=95)
    assert late.referral == "routine"
    follow_up(world, patient, date=datetime.date(2026, 6, 14), systolic=130, diastolic=80)
    contract_sign(
        actor=world.family_doctor, person=world.shan, team=world.team_a, client_uuid=uuid.uuid4()
    )
    Contract.objects.create(
        person=world.neighbour,
        team=world.team_a,
        grid=world.neighbour.grid,
        status="active",
        source=ContractSource.RENEWAL,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
        starts_on=datetime.date(2026, 6, 15),
        ends_on=datetime.date(2027, 6, 14),
    )
    record(world, book(world), actor=world.centre_nurse)
    record(world, book(world, person=elderly(world, world.shan)), actor=world.family_doctor)
    survey = open_survey(world)
    for person, score in ((world.zeng, 5), (world.shan, 4), (world.neighbour, 3)):
        survey_answer(
            survey=survey,
            person=person,
            centre_score=score,
            ratings={world.family_doctor.pk: score},
        )
    return world


def _totals(world):
    rows = points_table(world.health_centre, JUNE, centre_members(world.health_centre))
    return {r.user.username: r for r in rows}


def test_points_from_recorded_work(work):
    rows = _totals(work)
    doctor = rows["family_doctor"]
    # On time 1 × 2, late 1 × 1, referral checked 1 × 3, signed 1 × 3, renewed (no confirmer:
    # the team's doctor) 1 × 2, elderly check 1 × 2, average rating 4.00 × 1.
    assert doctor.counts == {
        "follow_up_on_time": 1,
        "follow_up_late": 1,
        "contract_signed": 1,
        "contract_renewed": 1,
        "elderly_check_done": 1,
        "referral_followed_up": 1,
    }
    assert doctor.rating_average == Decimal("4.00")
    assert doctor.total == Decimal("17.00")
    assert rows["centre_nurse"].total == Decimal("2")
    assert "centre_manager" not in rows


def test_a_month_counts_only_its_work(work):
    may = points_table(work.health_centre, datetime.date(2026, 5, 1), [work.family_doctor])
    assert may[0].counts["follow_up_on_time"] == 1 and may[0].total == Decimal("2")


def test_satisfaction_counts_from_three_ratings(work):
    from shoumen.healthcentre.models import StaffRating

    StaffRating.objects.filter(response__person=work.neighbour).delete()
    doctor = _totals(work)["family_doctor"]
    assert doctor.rating_count == 2 and "satisfaction_point" not in doctor.points
    assert doctor.total == Decimal("13.00")


def test_rules_the_manager_edits_change_the_points(work):
    point_rules_update(
        actor=work.centre_manager,
        centre=work.health_centre,
        points={"follow_up_on_time": Decimal("5"), "satisfaction_point": Decimal("0.5")},
    )
    assert _totals(work)["family_doctor"].total == Decimal("18.00")


def test_missing_rules_are_made_from_the_defaults(world):
    rules = point_rules_ensure(actor=world.centre_manager, centre=world.health_centre)
    assert {r.activity: r.points for r in rules} == DEFAULT_POINTS
    point_rules_ensure(actor=world.centre_manager, centre=world.health_centre)
    assert PointRule.objects.count() == len(DEFAULT_POINTS)


def test_points_table_runs_a_fixed_number_of_queries(work, django_assert_max_num_queries):
    members = centre_members(work.health_centre)
    with django_assert_max_num_queries(6):
        points_table(work.health_centre, JUNE, members)


def test_items_name_residents_masked_and_never_an_id_number(work):
    items = points_items(work.health_centre, work.family_doctor, JUNE)
    assert [i.activity for i in items].count("follow_up_late") == 1
    text = " ".join(i.label for i in items)
    assert "曾丽" not in text and "110105" not in text and "曾*" in text


def test_ones_own_points_page_and_the_managers(work, client):
    nurse_url = f"/health/points/{work.centre_nurse.pk}/?month=2026-06"
    doctor_url = f"/health/points/{work.family_doctor.pk}/?month=2026-06"
    client.force_login(work.centre_nurse)
    assert client.get(nurse_url).status_code == 200
    assert client.get(doctor_url).status_code == 404
    page = client.get("/health/points/?month=2026-06").content.decode()
    assert str(work.family_doctor) not in page
    client.force_login(work.centre_manager)
    assert client.get(doctor_url).status_code == 200
    assert client.get("/health/points/rules/").status_code == 200
    client.force_login(work.street_officer)
    assert client.get("/health/points/").status_code == 403


def test_the_api_gives_the_managers_table(work, api):
    body = api(work.centre_manager).get("/health-centre/points", month="2026-06").json()
    totals = {i["name"]: i["total"] for i in body["items"]}
    assert totals[str(work.family_doctor)] == "17.00"
    body = api(work.centre_nurse).get("/health-centre/points", month="2026-06").json()
    assert [i["name"] for i in body["items"]] == [str(work.centre_nurse)]
    assert api(work.centre_nurse).get("/health-centre/points", month="June").status_code == 422


def test_the_points_page_runs_a_fixed_number_of_queries(
    work, client, django_assert_max_num_queries
):
    client.force_login(work.centre_manager)
    client.get("/health/points/?month=2026-06")
    with django_assert_max_num_queries(13):
        response = client.get("/health/points/?month=2026-06")
    assert response.content.count(b'data-testid="points-row"') == 2


def test_work_where_another_centre_serves_counts_for_that_centre_only(work):
    """A doctor on teams of two centres: each centre counts the work done where it serves."""
    from shoumen.healthcentre.models import HealthCentre
    from shoumen.places.models import OrgUnit
    from tests.healthcentre.indicators import rows

    other = HealthCentre.objects.create(name="朝阳社区卫生服务中心", street=work.other_street)
    other.communities.add(OrgUnit.objects.get(code="C3"))
    elsewhere = rows.patient(work.outsider_person)  # 李强, in C3
    rows.follow_up(elsewhere, datetime.date(2026, 6, 5), work.family_doctor)
    here = _totals(work)["family_doctor"]
    assert (here.counts["follow_up_on_time"], here.total) == (1, Decimal("17.00"))
    labels = [i.label for i in points_items(work.health_centre, work.family_doctor, JUNE)]
    assert "李*" not in " ".join(labels)
    (there,) = points_table(other, JUNE, [work.family_doctor])
    assert there.counts["follow_up_on_time"] == 1 and there.counts["elderly_check_done"] == 0
