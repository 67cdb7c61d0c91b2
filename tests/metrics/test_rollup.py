"""The modules' figures stored for a day and summed up the tree: a community, street and
district hold the sum of their grids, communities (checkpoints) or schools."""

import pytest

from shoumen.lib.metrics import registered_metrics
from shoumen.reports.models import DailyFigure
from shoumen.reports.services import figures_fill
from tests.metrics.helpers import DAY

pytestmark = pytest.mark.django_db
APPS = ("observation.", "alerts.", "screening.", "checkpoints.", "schools.")


def stored(metric: str) -> dict[str, float]:
    rows = DailyFigure.objects.filter(date=DAY, metric=metric).values_list("unit__code", "value")
    return dict(rows)


def test_a_filled_day_holds_each_level_s_sum(observed, alerts, visited, posts, checked):
    names = [m.name for m in registered_metrics() if m.name.startswith(APPS)]
    figures_fill(day=DAY, metrics=names)
    assert stored("observation.follow_ups_due") == {
        "G1": 6,
        "G3": 2,
        "C1": 6,
        "C2": 2,
        "S1": 8,
        "D1": 8,
    }
    assert stored("alerts.opened") == {
        "G1": 2,
        "G2": 1,
        "G4": 1,
        "C1": 3,
        "C3": 1,
        "S1": 3,
        "S2": 1,
        "D1": 4,
    }
    assert stored("screening.households_due") == {"G1": 1, "G2": 1, "C1": 2, "S1": 2, "D1": 2}
    assert stored("checkpoints.scans_in") == {"C1": 2, "C3": 1, "S1": 2, "S2": 1, "D1": 3}
    assert stored("schools.pupils_monitored") == {"SCH1": 4, "SCH2": 1, "S1": 4, "S2": 1, "D1": 5}
    assert stored("schools.absent_sick") == {"SCH1": 1, "SCH2": 1, "S1": 1, "S2": 1, "D1": 2}
