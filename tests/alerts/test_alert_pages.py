"""Alert pages: the scoped list, most urgent first, and acknowledge and resolve."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.alerts.models import Alert, AlertStatus, Cause, EscalationLevel, Outcome
from shoumen.alerts.services import ERR_ALREADY_ACKNOWLEDGED, ERR_OUTCOME_REQUIRED, alert_raise
from shoumen.audit.models import AuditEvent
from tests.personas import PHONE_SHAN

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def raise_alert(person, cause, **details):
    alert, _ = alert_raise(person=person, cause=cause, details=details)
    return alert


def listed(client, query=""):
    response = client.get(reverse("alerts:list") + query)
    return [(a.person.name, a.cause) for a in response.context["page"]]


def test_alerts_are_scoped_and_the_most_urgent_comes_first(world, login):
    raise_alert(world.shan, Cause.NON_REPORTING)  # due in 2 hours
    raise_alert(world.zeng, Cause.RED_FLAG, symptoms=["short_of_breath"])  # due in 1 hour
    raise_alert(world.neighbour, Cause.FEVER, temperature="37.6")

    assert listed(login(world.grid_worker)) == [
        ("曾丽", Cause.RED_FLAG),
        ("单明", Cause.NON_REPORTING),
    ]
    assert len(listed(login(world.community_staff))) == 3
    assert listed(login(world.outsider)) == []
    assert listed(login(world.community_staff), f"?cause={Cause.FEVER}") == [("王刚", Cause.FEVER)]


def test_mine_shows_owned_and_escalated_alerts(world, login):
    raise_alert(world.shan, Cause.FEVER, temperature="37.6")
    escalated = raise_alert(world.neighbour, Cause.FEVER, temperature="37.9")
    escalated.level = EscalationLevel.COMMUNITY
    escalated.save()

    assert listed(login(world.grid_worker), "?mine=on") == [("单明", Cause.FEVER)]
    assert listed(login(world.community_staff), "?mine=on") == [("王刚", Cause.FEVER)]
    assert listed(login(world.street_officer), "?mine=on") == []


def test_resolved_alerts_leave_the_open_list(world, login):
    alert = raise_alert(world.shan, Cause.FEVER, temperature="37.6")
    client = login(world.grid_worker)
    client.post(reverse("alerts:resolve", args=[alert.pk]), {"outcome": Outcome.RECOVERED})
    assert listed(client) == []
    assert listed(client, "?state=resolved") == [("单明", Cause.FEVER)]


def test_an_empty_post_acknowledges_and_a_resolve_needs_an_outcome(world, login):
    alert = raise_alert(world.shan, Cause.ILI, temperature="38.6", symptoms=["cough"])
    client = login(world.community_staff)
    detail = client.get(reverse("alerts:detail", args=[alert.pk]))
    assert PHONE_SHAN not in detail.content.decode()
    assert world.shan.phone_masked in detail.content.decode()

    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (
        AlertStatus.ACKNOWLEDGED,
        world.community_staff,
    )

    refused = client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": "已电话联系"})
    assert refused.status_code == 400
    assert str(ERR_OUTCOME_REQUIRED) in refused.content.decode()

    done = client.post(
        reverse("alerts:resolve", args=[alert.pk]),
        {"outcome": Outcome.FEVER_CLINIC, "note": "已送发热门诊"},
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.outcome_note) == (
        AlertStatus.RESOLVED,
        Outcome.FEVER_CLINIC,
        "已送发热门诊",
    )
    assert [
        e.action
        for e in AuditEvent.objects.filter(
            target_type="alerts.alert", target_id=str(alert.pk)
        ).order_by("id")
    ] == [
        "alert.raise",
        "alert.acknowledge",
        "alert.resolve",
    ]


def test_the_deadline_status_and_unresolved_filter_each_have_their_own_words(world, login):
    alert = raise_alert(world.shan, Cause.FEVER, temperature="37.6")
    client = login(world.grid_worker)
    detail = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    listing = client.get(reverse("alerts:list")).content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        deadline = translation.pgettext("alert deadline", "Due")
        status = str(AlertStatus.OPEN.label)
        unresolved = translation.pgettext("alerts not yet resolved", "Open")
    assert f'text-secondary">{deadline}</dt>' in detail
    assert f'data-status="open">{status}</span>' in detail
    assert f">{unresolved}</option>" in listing


def test_acknowledging_twice_says_so_and_changes_nothing(world, login):
    alert = raise_alert(world.shan, Cause.FEVER, temperature="37.6")
    client = login(world.grid_worker)
    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    again = client.post(reverse("alerts:acknowledge", args=[alert.pk]), follow=True)
    assert str(ERR_ALREADY_ACKNOWLEDGED) in again.content.decode()
    assert AuditEvent.objects.filter(action="alert.acknowledge").count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_alert_list_query_count_does_not_grow_with_rows(
    world, login, count, django_assert_max_num_queries
):
    for person in [world.shan, world.zeng, world.neighbour][:count]:
        raise_alert(person, Cause.FEVER, temperature="37.6")
    client = login(world.community_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("alerts:list"))
    assert len(response.context["page"]) == count
    assert Alert.objects.count() == count
