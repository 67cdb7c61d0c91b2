"""The checkpoints' figures of one day against a hand count on the persona world: counted
per community, the unit a checkpoint belongs to."""

import pytest

from shoumen.lib.metrics import metric_named
from shoumen.places.models import Level
from tests.metrics.helpers import DAY, days, figures

pytestmark = pytest.mark.django_db
COMMUNITIES = ("C1", "C2", "C3")


def test_checkpoint_metrics_are_computed_for_communities():
    for name in ("scans_in", "scans_out", "refused", "visitors", "fevers"):
        metric = metric_named(f"checkpoints.{name}")
        assert metric is not None
        assert metric.level == Level.COMMUNITY


def test_scans_let_through_and_refused_by_community(posts):
    assert figures("checkpoints.scans_in", posts, COMMUNITIES) == {"C1": 2, "C3": 1}
    assert figures("checkpoints.scans_out", posts, COMMUNITIES) == {"C1": 1}
    assert figures("checkpoints.refused", posts, COMMUNITIES) == {"C1": 2}
    assert figures("checkpoints.scans_in", posts, COMMUNITIES, DAY - days(1)) == {"C1": 1}


def test_visitors_of_the_day(posts):
    assert figures("checkpoints.visitors", posts, COMMUNITIES) == {"C1": 2}
    assert figures("checkpoints.visitors", posts, COMMUNITIES, DAY - days(1)) == {"C3": 1}


def test_fevers_count_residents_stopped_and_visitors_at_the_fever_threshold(posts):
    assert figures("checkpoints.fevers", posts, COMMUNITIES) == {"C1": 2}
    assert figures("checkpoints.fevers", posts, COMMUNITIES, DAY - days(1)) == {"C3": 1}
    assert figures("checkpoints.fevers", posts, ["C2", "C3"]) == {}
