"""The duty figures of a day per community: shifts stood on the published rosters and
shifts called in sick; rosters not published count nothing."""

import pytest

from shoumen.duty.models import RosterStatus
from shoumen.lib.metrics import metric_named
from shoumen.places.models import Level, OrgUnit
from tests.duty.conftest import MONDAY
from tests.duty.swap_rows import published, put

pytestmark = pytest.mark.django_db


def _figures(name, world, day=MONDAY):
    metric = metric_named(name)
    assert metric is not None and metric.level == Level.COMMUNITY
    units = list(OrgUnit.objects.filter(level=Level.COMMUNITY).values_list("pk", flat=True))
    return {OrgUnit.objects.get(pk=pk).code: v for pk, v in metric.compute(units, day).items()}


def test_shifts_stood_and_called_in_sick_are_counted_per_community(world, duty):
    roster = published(duty.community, MONDAY, MONDAY)
    for code, person in (("N", duty.people[2]), ("D", duty.people[3]), ("E", duty.people[4])):
        put(roster, duty.gate, code, MONDAY, person)
    put(roster, duty.monitoring, "D", MONDAY, duty.people[5], absent=True)
    draft = published(duty.community, MONDAY, MONDAY)
    draft.status = RosterStatus.SOLVED
    draft.save()
    put(draft, duty.gate, "D", MONDAY, duty.people[6])
    assert _figures("duty.shifts", world) == {"C1": 3}
    assert _figures("duty.sick_calls", world) == {"C1": 1}
    assert _figures("duty.shifts", world, MONDAY.replace(day=MONDAY.day + 1)) == {}


def test_duty_figures_take_one_query_for_any_number_of_communities(
    world, duty, django_assert_num_queries
):
    units = list(OrgUnit.objects.filter(level=Level.COMMUNITY).values_list("pk", flat=True))
    for name in ("duty.shifts", "duty.sick_calls"):
        metric = metric_named(name)
        with django_assert_num_queries(1):
            metric.compute(units[:1], MONDAY)
        with django_assert_num_queries(1):
            metric.compute(units, MONDAY)
