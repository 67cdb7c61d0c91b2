"""Each metric is one set-based pass: the same few queries for one unit as for all of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import Promise

from shoumen.alerts.rules import current_rules
from shoumen.lib.metrics import registered_metrics
from shoumen.places.models import OrgUnit
from tests.metrics.helpers import DAY, NEXT

pytestmark = pytest.mark.django_db
# The alert rules' thresholds or deadlines, the figures, and a second figure at most.
MOST = 3
APPS = ("observation.", "alerts.", "screening.", "checkpoints.", "schools.")


@pytest.fixture
def busy(observed, alerts, visited, posts, checked):
    current_rules()  # created once, as in a running system
    return observed


def _queries(metric, unit_ids, day) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        found = metric.compute(unit_ids, day)
    return len(queries), found


@pytest.mark.parametrize("day", [DAY, NEXT], ids=["past day", "today"])
def test_each_metric_runs_the_same_few_queries_for_one_unit_and_for_many(
    busy, day, django_assert_max_num_queries
):
    metrics = [m for m in registered_metrics() if m.name.startswith(APPS)]
    assert len(metrics) == 35
    for metric in metrics:
        units = list(OrgUnit.objects.filter(level=metric.level).values_list("pk", flat=True))
        assert len(units) > 1
        with django_assert_max_num_queries(MOST):
            one, _found = _queries(metric, units[:1], day)
        with django_assert_max_num_queries(MOST):
            many, found = _queries(metric, units, day)
        assert one == many, metric.name
        assert set(found) <= set(units), metric.name


def test_the_busy_day_gives_every_metric_but_a_few_a_value(busy):
    """The query counts above are measured on real rows, not on empty tables."""
    empty = []
    for metric in registered_metrics():
        if not metric.name.startswith(APPS):
            continue
        units = list(OrgUnit.objects.filter(level=metric.level).values_list("pk", flat=True))
        if not metric.compute(units, DAY):
            empty.append(metric.name)
    assert set(empty) <= {
        "observation.under_central_isolation",
        "observation.under_routine_monitoring",
        "alerts.opened_lost_contact",
        "alerts.opened_release_check",
    }


def test_labels_are_read_in_the_reader_s_language():
    labels = [m.label for m in registered_metrics() if m.name.startswith(APPS)]
    assert labels and all(isinstance(label, Promise) for label in labels)
