"""The schools' figures of one day against a hand count on the persona world: counted per
school; the absence rate is its two counts."""

import pytest

from shoumen.lib.metrics import metric_named
from shoumen.places.models import Level
from tests.metrics.helpers import DAY, days, figures

pytestmark = pytest.mark.django_db
SCHOOLS = ("SCH1", "SCH2")


def test_school_metrics_are_computed_for_schools():
    names = ("class_checks", "absent_sick", "pupils_monitored", "symptomatic")
    assert all(metric_named(f"schools.{n}").level == Level.SCHOOL for n in names)


def test_class_checks_submitted_count_every_session(checked):
    assert figures("schools.class_checks", checked, SCHOOLS) == {"SCH1": 3, "SCH2": 1}


def test_absence_rate_counts_are_sick_person_days_and_pupil_days_at_the_morning_check(checked):
    assert figures("schools.absent_sick", checked, SCHOOLS) == {"SCH1": 1, "SCH2": 1}
    assert figures("schools.pupils_monitored", checked, SCHOOLS) == {"SCH1": 4, "SCH2": 1}
    assert figures("schools.absent_sick", checked, SCHOOLS, DAY - days(1)) == {"SCH1": 1}
    assert figures("schools.pupils_monitored", checked, SCHOOLS, DAY - days(1)) == {"SCH1": 3}


def test_symptomatic_pupils_count_each_pupil_once_a_day(checked):
    assert figures("schools.symptomatic", checked, SCHOOLS) == {"SCH1": 2}
    assert figures("schools.symptomatic", checked, ["SCH2"]) == {}
