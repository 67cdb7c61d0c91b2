import pytest

from shoumen.registry.models import Status
from shoumen.registry.selectors import PersonFilters, persons_search
from shoumen.registry.services import person_set_status
from tests.personas import ID_NEIGHBOUR, ID_SHAN, PHONE_SHAN


def _names(user, q, **filters):
    return [p.name for p in persons_search(user, PersonFilters(q=q, **filters))]


@pytest.mark.parametrize(
    "q",
    ["单明", "明", "shanming", "danming", "sm", "dm", ID_SHAN[-4:], PHONE_SHAN[-4:]],
)
def test_search_finds_a_person_by_name_pinyin_initials_and_last4(world, q):
    assert "单明" in _names(world.grid_worker, q)


def test_search_by_door_number_finds_the_household(world):
    assert sorted(_names(world.grid_worker, "301")) == ["单小宝", "单明", "曾丽"]


def test_search_by_last4_stays_within_scope(world):
    assert _names(world.grid_worker, ID_NEIGHBOUR[-4:]) == []
    assert _names(world.neighbour_worker, ID_NEIGHBOUR[-4:]) == ["王刚"]
    assert _names(world.outsider, ID_SHAN[-4:]) == []


def test_search_by_name_stays_within_scope(world):
    assert _names(world.grid_worker, "王刚") == []
    assert _names(world.street_officer, "王刚") == ["王刚"]


def test_search_results_are_newest_first_and_counted(world):
    qs = persons_search(world.street_officer, PersonFilters(q="s"))
    names = [p.name for p in qs]
    assert names == ["单小宝", "单明"]
    assert qs.count() == 2


def test_search_skips_other_statuses_unless_asked(world):
    person_set_status(
        actor=world.grid_worker, person=world.zeng, status=Status.MOVED_OUT, reason="搬走了"
    )
    assert _names(world.grid_worker, "曾丽") == []
    assert _names(world.grid_worker, "曾丽", status="") == ["曾丽"]


def test_search_combines_with_the_org_unit_filter(world):
    assert _names(world.street_officer, "wg", org_unit=world.grid_b) == ["王刚"]
    assert _names(world.street_officer, "wg", org_unit=world.grid_a) == []
