"""The demo's health centre: one centre serving the first community and its neighbour,
three teams of three, contracts for about a third of the households (some ending within 30
days, a few waiting), patients with a year of follow-ups that agree with the rules (some
overdue, one urgent referral waiting for its check with its alert open), this year's
elderly checks, last quarter's survey, the default point rules; doctor1 and centre1 open
the hub. The same seed gives the same rows; loading again adds nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.accounts.models import User
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.demo.healthcentre import (
    CENTRE_COMMUNITIES,
    demo_healthcentre_counts,
    demo_healthcentre_load,
)
from shoumen.demo.load import demo_load
from shoumen.healthcentre.models import (
    Contract,
    ContractStatus,
    Disease,
    FollowUp,
    HealthCentre,
    Patient,
    PointRule,
    Referral,
    Survey,
)
from shoumen.healthcentre.rules import assess
from shoumen.lib.dates import age_on
from shoumen.registry.models import Household

DAY = datetime.date(2026, 6, 4)
NOW = "2026-06-04 10:30 +0800"
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        district = demo_load(size="small", seed=7, password=PASSWORD, day=DAY).district
        counts = demo_healthcentre_load(district, day=DAY, seed=7, password=PASSWORD)
    return district, counts


def _centre(demo):
    return HealthCentre.objects.get(street__path__startswith=demo[0].path)


def test_one_centre_three_teams_packages_and_contracts(demo):
    centre = _centre(demo)
    assert sorted(centre.communities.values_list("code", flat=True)) == list(CENTRE_COMMUNITIES)
    teams = list(centre.teams.all())
    assert len(teams) == 3
    assert all(t.members.count() == 3 and t.grids.exists() for t in teams)
    assert set(centre.packages.values_list("kind", flat=True)) == {"basic", "personalised"}
    assert PointRule.objects.filter(centre=centre).count() == 7
    # A third of the households signed, a few waiting, some ending within 30 days.
    served = Household.objects.filter(grid__health_teams__centre=centre).count()
    signed = Contract.objects.filter(status=ContractStatus.ACTIVE, team__centre=centre)
    households = signed.values("person__household").distinct().count()
    assert abs(households - served / 3) <= 1
    assert Contract.objects.filter(
        status=ContractStatus.PENDING, source="qr", team__centre=centre
    ).exists()
    soon = signed.filter(ends_on__lte=DAY + datetime.timedelta(days=30))
    assert soon.exists()
    assert all(c.starts_on <= DAY <= c.ends_on for c in signed)


def test_patients_followed_up_by_the_rules_some_overdue_one_referred_urgently(demo):
    _district, counts = demo
    assert Patient.objects.filter(disease=Disease.HYPERTENSION).count() >= 3
    assert Patient.objects.filter(disease=Disease.DIABETES).exists()
    assert counts["health_follow_ups"] == FollowUp.objects.count() > 10
    for row in FollowUp.objects.select_related("patient__person").order_by("patient", "date"):
        earlier = row.patient.follow_ups.filter(date__lt=row.date).order_by("-date").first()
        found = assess(
            disease=row.patient.disease,
            age=age_on(row.patient.person.birth_date, row.date),
            day=row.date,
            systolic=row.systolic,
            diastolic=row.diastolic,
            fasting_glucose=row.fasting_glucose,
            symptoms=row.symptoms,
            adverse_reaction=row.adverse_reaction,
            new_complication=row.new_complication,
            uncontrolled_before=_in_a_row(row.patient, earlier),
        )
        assert (row.classification, row.referral) == (found.classification, found.referral)
        assert row.next_follow_up_on == found.next_follow_up_on
    _some_overdue_and_one_urgent_referral_waiting()


def _in_a_row(patient, before) -> int:
    """Uncontrolled follow-ups in a row up to ``before`` (by the rules' own measure)."""
    n = 0
    rows = patient.follow_ups.filter(date__lte=before.date) if before else []
    for row in sorted(rows, key=lambda r: r.date, reverse=True):
        found = assess(
            disease=patient.disease,
            age=age_on(patient.person.birth_date, row.date),
            day=row.date,
            systolic=row.systolic,
            diastolic=row.diastolic,
            fasting_glucose=row.fasting_glucose,
            symptoms=[],
            adverse_reaction=False,
            new_complication=False,
            uncontrolled_before=0,
        )
        if found.controlled:
            break
        n += 1
    return n


def _some_overdue_and_one_urgent_referral_waiting():
    assert Patient.objects.filter(next_follow_up_on__lt=DAY).exists()
    urgent = FollowUp.objects.get(referral=Referral.URGENT)
    assert (urgent.systolic, urgent.diastolic) == (182, 112)
    assert urgent.date == DAY - datetime.timedelta(days=5)
    patient = urgent.patient
    assert patient.referral_check_due_on == DAY + datetime.timedelta(days=9)
    assert patient.team.members.filter(user__username="doctor1").exists()
    alert = Alert.objects.get(cause=Cause.HEALTH_URGENT_REFERRAL, status__in=OPEN_STATUSES)
    assert alert.person_id == patient.person_id
    assert alert.owner.username == "doctor1"


def test_elderly_checks_last_quarter_s_survey_and_loading_again(demo):
    _district, counts = demo
    assert counts["elderly_checks"] > 0
    survey = Survey.objects.get()
    assert (survey.year, survey.quarter) == (2026, 1)
    assert counts["survey_responses"] == survey.responses.count() > 0
    district = demo[0]
    with time_machine.travel(NOW, tick=False):
        again = demo_healthcentre_load(district, day=DAY, seed=7, password=PASSWORD)
    assert again == counts == demo_healthcentre_counts(district)


@pytest.mark.parametrize("username", ["doctor1", "centre1"])
def test_the_demo_logins_open_the_hub(demo, client, username):
    user = User.objects.get(username=username)
    assert user.check_password(PASSWORD)
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("health:home"))
        assert response.status_code == 200
        hub = response.context["hub"]
        assert client.get(reverse("health:board")).status_code == 200
    if username == "doctor1":
        assert hub.team is not None and hub.follow_ups_overdue >= 0
        assert {a.cause: a.count for a in hub.alerts}[Cause.HEALTH_URGENT_REFERRAL] == 1
    else:
        assert hub.managed == _centre(demo)
    assert user.assignments.count() == 2
