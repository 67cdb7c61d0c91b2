"""The demo's volunteer registry: the first community's duty volunteers get their teams,
skills, Party flags and availability, more volunteers make a few dozen, three QR sign-ups
wait for approval; the same seed gives the same registry, and loading again adds nothing."""

import datetime

import pytest
import time_machine

from shoumen.demo.duty import DUTY_COMMUNITY_CODE
from shoumen.demo.load import demo_load
from shoumen.demo.plan import DEMO_DISTRICT_CODE
from shoumen.demo.volunteers import demo_volunteers_load
from shoumen.duty.models import DutyPerson
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Volunteer, VolunteerSource, VolunteerStatus

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 4)
NOW = "2026-06-04 10:30 +0800"


def _snapshot(community):
    return sorted(
        (v.name, v.status, tuple(v.teams), tuple(v.skills), v.is_party_member, tuple(v.weekdays))
        for v in Volunteer.objects.filter(community=community)
    )


def test_the_demo_registry_is_full_deterministic_and_loaded_once():
    with time_machine.travel(NOW, tick=False):
        demo_load(size="small", seed=7, password="demo-password-for-tests", day=DAY)
        district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
        community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE)
        counts = demo_volunteers_load(district, day=DAY, seed=7)
        volunteers = Volunteer.objects.filter(community=community)
        assert counts["volunteer_sign_ups_pending"] == 3
        assert 36 <= volunteers.filter(status=VolunteerStatus.APPROVED).count() <= 60
        pending = volunteers.filter(status=VolunteerStatus.PENDING)
        assert {v.source for v in pending} == {VolunteerSource.SIGN_UP}
        # The duty volunteers' teams and Party flags are those they stand duty with.
        for person in DutyPerson.objects.filter(community=community, volunteer__isnull=False):
            v = person.volunteer
            assert person.team in v.teams or not person.team
            assert v.is_party_member == person.is_party_member
            assert v.weekdays and v.times_of_day
            assert v.phone_index
        assert volunteers.filter(is_party_member=True).count() >= 5
        first = _snapshot(community)
        assert demo_volunteers_load(district, day=DAY, seed=7) == counts
        assert _snapshot(community) == first
        # Again from the duty demo's state: the same registry.
        volunteers.filter(duty_people__isnull=True, user__isnull=True).delete()
        volunteers.update(teams=[], skills=[], weekdays=[], times_of_day=[], phone_index=None)
        demo_volunteers_load(district, day=DAY, seed=7)
        assert _snapshot(community) == first
