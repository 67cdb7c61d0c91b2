"""The demo looks like a real district: grids of different sizes, logins with people's
names, and a community (volunteer1's) whose gates scan its residents' passes."""

import datetime

import pytest

from shoumen.accounts.models import User
from shoumen.accounts.roles import Role
from shoumen.checkpoints.models import Checkpoint, Pass, PassStatus, RevokeReason, Verdict
from shoumen.checkpoints.selectors import checkpoints_visible_to
from shoumen.checkpoints.services import pass_check, pass_token
from shoumen.demo.checkpoints import PASS_COMMUNITY_CODE
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.load import demo_counts, demo_load
from shoumen.demo.plan import GRID_SPREAD, SIZES, SURNAMES
from shoumen.demo.users import DEMO_USERS
from shoumen.observation.models import ISOLATION_KINDS, Observation, ObservationStatus
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def demo(db):
    return demo_load(size="small", seed=7, password="demo-pass-2026", day=DAY)


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_grids_differ_in_size_and_add_up_to_the_planned_residents(size):
    spec = SIZES[size]
    grids = spec.streets * spec.communities_per_street * spec.grids_per_community
    quotas = DemoGenerator(seed=7, day=DAY).grid_quotas(grids, spec.persons)
    assert sum(quotas) == spec.persons
    assert max(quotas) >= 1.5 * min(quotas) > 0
    assert quotas == DemoGenerator(seed=7, day=DAY).grid_quotas(grids, spec.persons)
    assert quotas != DemoGenerator(seed=8, day=DAY).grid_quotas(grids, spec.persons)


def test_a_large_district_has_600_to_1600_residents_a_grid():
    spec = SIZES["large"]
    grids = spec.streets * spec.communities_per_street * spec.grids_per_community
    quotas = DemoGenerator(seed=7, day=DAY).grid_quotas(grids, spec.persons)
    low, high, _mode = GRID_SPREAD
    assert low * 0.97 <= min(quotas) < 800 and 1300 < max(quotas) <= high * 1.03


def test_the_loaded_grids_differ_in_size(demo):
    district = demo.district
    sizes = [
        Person.objects.filter(grid=grid).count()
        for grid in OrgUnit.objects.filter(path__startswith=district.path, level="grid")
    ]
    assert sum(sizes) == SIZES["small"].persons
    assert max(sizes) >= 1.5 * min(sizes)


def test_every_demo_login_carries_a_persons_name_not_a_role(demo):
    role_labels = {str(role.label) for role in Role}
    for spec in DEMO_USERS:
        name = User.objects.get(username=spec.username).display_name
        assert name[0] in SURNAMES, spec.username
        assert 2 <= len(name) <= 3, spec.username
        assert name not in role_labels
    assert User.objects.get(username="community1").display_name == "李秀英"
    assert User.objects.get(username="grid1").display_name == "王芳"
    assert len({u.display_name for u in DEMO_USERS}) == len(DEMO_USERS)


def test_volunteer1s_community_has_checkpoints_the_volunteer_sees(demo):
    volunteer = User.objects.get(username="volunteer1")
    visible = list(checkpoints_visible_to(volunteer))
    assert visible
    assert {c.community.code for c in visible} == {PASS_COMMUNITY_CODE}


def test_every_resident_of_volunteer1s_community_holds_a_pass_and_no_one_else(demo):
    community = OrgUnit.objects.get(code=PASS_COMMUNITY_CODE)
    residents = set(
        Person.objects.filter(
            grid__path__startswith=community.path, status=Status.RESIDENT
        ).values_list("pk", flat=True)
    )
    holders = set(Pass.objects.values_list("person_id", flat=True))
    assert residents and holders == residents
    assert set(Pass.objects.values_list("community_id", flat=True)) == {community.pk}
    counts = demo_counts(demo.district)
    assert counts["passes"] == demo.counts["passes"] == len(residents)
    assert counts["checkpoints"] == demo.counts["checkpoints"] == Checkpoint.objects.count()


def test_a_demo_pass_opens_its_gate_unless_its_holder_is_isolated(demo):
    checkpoint = Checkpoint.objects.order_by("pk").first()
    isolated = set(
        Observation.objects.filter(
            status=ObservationStatus.ACTIVE, kind__in=ISOLATION_KINDS
        ).values_list("person_id", flat=True)
    )
    for pass_ in Pass.objects.order_by("pk")[:50]:
        result = pass_check(token=pass_token(pass_), checkpoint=checkpoint, day=DAY)
        if pass_.person_id in isolated:
            assert (pass_.status, pass_.revoke_reason) == (
                PassStatus.REVOKED,
                RevokeReason.ISOLATION,
            )
            assert result.verdict == Verdict.DENY
        else:
            assert result.verdict == Verdict.ALLOW, result.reason
