import datetime
from collections import Counter

import pytest
import time_machine

from shoumen.accounts.models import User
from shoumen.alerts.models import HEALTH_CAUSES, Alert, AlertStatus
from shoumen.alerts.rules import current_rules, report_hits
from shoumen.demo.load import demo_load
from shoumen.demo.observations import OBSERVED_SHARE, REPORT_DAYS
from shoumen.demo.plan import SIZES
from shoumen.observation.boards import board_for
from shoumen.observation.models import HealthReport, Observation, ObservationStatus, Source
from shoumen.places.models import OrgUnit

DAY = datetime.date(2026, 6, 1)
EVENING = datetime.datetime(
    2026, 6, 1, 17, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
PASSWORD = "demo-pass-2026"
# A seed whose small district has a recent fever among its few observed persons.
SEED = 7


@pytest.fixture
def demo(db):
    with time_machine.travel(EVENING, tick=False):
        yield demo_load(size="small", seed=SEED, password=PASSWORD, day=DAY)


def test_about_two_percent_of_residents_are_observed_with_varied_kinds_and_reasons(demo):
    observations = Observation.objects.all()
    assert observations.count() == round(SIZES["small"].persons * OBSERVED_SHARE)
    assert demo.counts["observations"] == observations.count()
    assert len(set(observations.values_list("kind", flat=True))) >= 3
    assert len(set(observations.values_list("reason", flat=True))) >= 3
    assert len(set(observations.values_list("person_id", flat=True))) == observations.count()


def test_observations_are_active_until_their_period_ends(demo):
    for obs in Observation.objects.all():
        assert obs.ends_on == obs.starts_on + datetime.timedelta(days=obs.period_days - 1)
        assert DAY - datetime.timedelta(days=REPORT_DAYS) < obs.starts_on <= DAY
        assert (obs.status == ObservationStatus.ACTIVE) == (obs.ends_on >= DAY)
    statuses = Counter(Observation.objects.values_list("status", flat=True))
    assert statuses[ObservationStatus.ACTIVE] and statuses[ObservationStatus.COMPLETED]


def test_reports_fall_inside_each_observation_and_the_last_30_days(demo):
    periods = {o.pk: o for o in Observation.objects.all()}
    reports = list(HealthReport.objects.all())
    assert len(reports) == demo.counts["health_reports"] > 20 * len(periods) // 2
    for report in reports:
        obs = periods[report.observation_id]
        assert (report.person_id, report.grid_id) == (obs.person_id, obs.grid_id)
        assert max(obs.starts_on, DAY - datetime.timedelta(days=REPORT_DAYS - 1)) <= report.date
        assert report.date <= min(obs.ends_on, DAY)
        assert report.recorded_at <= EVENING
        assert report.reached is (True if report.source == Source.WORKER_PHONE else None)
    assert {r.source for r in reports} == {Source.SELF, Source.WORKER_PHONE}


def test_alerts_are_what_the_rules_raise_on_fevers_of_active_observations(demo):
    rules = current_rules()
    expected = set()
    for report in HealthReport.objects.filter(observation__status=ObservationStatus.ACTIVE):
        expected |= {(report.person_id, hit.cause) for hit in report_hits(report, rules)}
    # The schools' are on units; the health centre's (a patient's) are not the rules'.
    alerts = list(Alert.objects.filter(person__isnull=False).exclude(cause__in=HEALTH_CAUSES))
    assert expected
    assert {(a.person_id, a.cause) for a in alerts} == expected
    recent = EVENING - datetime.timedelta(days=2)
    for alert in alerts:
        assert (alert.status == AlertStatus.RESOLVED) == (alert.opened_at < recent)
        assert alert.due_at > alert.opened_at


def test_the_board_of_an_observed_persons_community_shows_the_demo(demo):
    grid = Observation.objects.filter(status=ObservationStatus.ACTIVE).first().grid
    unit = OrgUnit.objects.get(path=grid.path[: -grid.steplen])
    with time_machine.travel(EVENING, tick=False):
        board = board_for(User.objects.get(username="admin"), pk=unit.pk)
    assert board.total_rate.persons > 0
    assert 0 < board.total_rate.received <= board.total_rate.expected
    assert board.by_kind.total > 0
