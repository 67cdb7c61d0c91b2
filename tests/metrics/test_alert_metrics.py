"""The alerts figures of one day against a hand count on the persona world: alerts opened,
resolved and overdue, and the reports the alert rules flag."""

from decimal import Decimal

import pytest

from shoumen.alerts.rules import current_rules
from shoumen.observation.models import Slot, Source
from shoumen.registry.models import Person
from tests.metrics.helpers import DAY, GRIDS, NEXT, days, figures, report

pytestmark = pytest.mark.django_db


def test_alerts_opened_and_resolved_that_day(alerts):
    assert figures("alerts.opened", alerts, GRIDS) == {"G1": 2, "G2": 1, "G4": 1}
    assert figures("alerts.resolved", alerts, GRIDS) == {"G1": 1}
    assert figures("alerts.opened", alerts, GRIDS, DAY - days(1)) == {"G1": 1}
    assert figures("alerts.resolved", alerts, GRIDS, NEXT) == {"G1": 1}


def test_alerts_opened_by_cause(alerts):
    assert figures("alerts.opened_fever", alerts, GRIDS) == {"G1": 1}
    assert figures("alerts.opened_ili", alerts, GRIDS) == {"G1": 1}
    assert figures("alerts.opened_red_flag", alerts, GRIDS) == {"G4": 1}
    assert figures("alerts.opened_non_reporting", alerts, GRIDS) == {"G2": 1}
    assert figures("alerts.opened_lost_contact", alerts, GRIDS) == {}
    assert figures("alerts.opened_lost_contact", alerts, GRIDS, DAY - days(1)) == {"G1": 1}
    assert figures("alerts.opened_release_check", alerts, GRIDS) == {}


def test_overdue_at_the_end_of_the_day_leaves_out_acknowledged_and_not_yet_due(alerts):
    # The ILI alert and the lost-contact one (resolved only the next morning).
    assert figures("alerts.overdue", alerts, GRIDS) == {"G1": 2}


def test_overdue_today_is_counted_now(alerts):
    # Noon: the ILI alert still, the red flag due at midnight; lost contact resolved at 9:00.
    assert figures("alerts.overdue", alerts, GRIDS, NEXT) == {"G1": 1, "G4": 1}


def test_reports_flagged_by_the_alert_rules(world):
    g1, _g2, g3, g4 = (world.unit(code) for code in GRIDS)
    child = Person.objects.get(name="单小宝")
    report(world.shan, g1, Slot.MORNING, temperature="36.5")
    report(world.shan, g1, Slot.AFTERNOON, temperature="37.3")  # the threshold itself
    report(world.zeng, g1, Slot.MORNING, source=Source.WORKER_PHONE, reached=False)
    report(world.zeng, g1, Slot.AFTERNOON, temperature="38.4", fatigue=True)  # fever, not ILI
    report(child, g1, Slot.MORNING, temperature="38.0", sore_throat=True)  # ILI
    report(child, g1, Slot.AFTERNOON, temperature="36.8", fever=True, short_of_breath=True)
    report(world.neighbour, g3, Slot.MORNING, temperature="37.9", cough=True)  # fever only
    report(world.outsider_person, g4, Slot.MORNING, temperature="36.6", short_of_breath=True)
    report(world.shan, g1, Slot.MORNING, day=DAY - days(1), temperature="39.0", cough=True)
    assert figures("alerts.fever_reports", world, GRIDS) == {"G1": 4, "G3": 1}
    assert figures("alerts.ili_reports", world, GRIDS) == {"G1": 1}
    assert figures("alerts.red_flag_reports", world, GRIDS) == {"G1": 1, "G4": 1}


def test_report_counts_follow_the_thresholds_the_administrator_set(world):
    g1 = world.unit("G1")
    report(world.shan, g1, Slot.MORNING, temperature="37.2", cough=True)
    report(world.shan, g1, Slot.AFTERNOON, temperature="37.5", cough=True)
    assert figures("alerts.fever_reports", world, ["G1"]) == {"G1": 1}
    assert figures("alerts.ili_reports", world, ["G1"]) == {}
    rules = current_rules()
    rules.fever_temperature, rules.ili_temperature = Decimal("37.0"), Decimal("37.5")
    rules.save()
    assert figures("alerts.fever_reports", world, ["G1"]) == {"G1": 2}
    assert figures("alerts.ili_reports", world, ["G1"]) == {"G1": 1}
