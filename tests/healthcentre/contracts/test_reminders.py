"""The daily contracts job at its boundary days: no reminder 31 days before the end, one
reminder to the team's members 30 days before (never twice), and a term not renewed
ended the day after its last day."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shoumen.alerts.models import Notification
from shoumen.healthcentre.contract_services import contract_renew, contract_sign
from shoumen.healthcentre.contract_tasks import contracts_remind
from shoumen.healthcentre.models import ContractStatus
from tests.healthcentre.contracts.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world):
    with at("2026-03-15"):  # ends 2027-03-14
        contract, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    return contract


def _run(day):
    with at(day):
        return contracts_remind.call()


def test_no_reminder_31_days_before_the_end(world, signed):
    assert _run("2027-02-11") == {"reminded": 0, "ended": 0}
    assert not Notification.objects.exists()


def test_one_reminder_30_days_before_to_each_team_member(world, signed):
    assert _run("2027-02-12")["reminded"] == 1
    signed.refresh_from_db()
    assert signed.reminded_on.isoformat() == "2027-02-12"
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"family_doctor", "centre_nurse"}
    title = Notification.objects.first().title
    assert "单明" not in title and str(signed.pk) in title
    assert _run("2027-02-13")["reminded"] == 0
    assert Notification.objects.count() == 2


def test_notice_days_follow_the_setting(world, signed, settings):
    settings.SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS = 10
    assert _run("2027-03-03")["reminded"] == 0
    assert _run("2027-03-04")["reminded"] == 1


def test_term_ends_the_day_after_its_last_day(world, signed):
    assert _run("2027-03-14")["ended"] == 0
    assert _run("2027-03-15")["ended"] == 1
    signed.refresh_from_db()
    assert signed.status == ContractStatus.ENDED


def test_a_renewed_contract_is_not_ended(world, signed):
    with at("2027-03-01"):
        new = contract_renew(actor=world.family_doctor, contract=signed)
    assert _run("2027-03-15")["ended"] == 0
    new.refresh_from_db()
    assert new.status == ContractStatus.ACTIVE


def test_the_teams_members_are_read_once_for_all_the_days_reminders(world, signed):
    with at("2026-03-15"):
        contract_sign(actor=world.family_doctor, person=world.zeng, team=world.team_a)
    with CaptureQueriesContext(connection) as queries:
        assert _run("2027-02-12")["reminded"] == 2
    member_reads = [q for q in queries if 'FROM "healthcentre_teammember"' in q["sql"]]
    assert len(member_reads) == 1
    assert Notification.objects.count() == 4  # two contracts, two members each
