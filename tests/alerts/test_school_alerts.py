"""School alerts hang on a class or school unit, not a person: one open per unit, cause and
key; they climb the school ladder (the principal, then the district's education bureau and
CDC officers, at the school rules' interval); they are seen by those who handle school
alerts only, and residents' alerts are not."""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from shoumen.alerts.escalation import alerts_escalate
from shoumen.alerts.models import (
    SCHOOL_LEVEL_LABELS,
    AlertStatus,
    Cause,
    EscalationLevel,
    Notification,
)
from shoumen.alerts.selectors import alerts_visible_to, open_alerts_owned_by
from shoumen.alerts.services import alert_acknowledge, alert_raise, alert_raise_for_unit
from shoumen.schools.models import SchoolRules

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPENED = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def raise_cluster(world, *, due_minutes=24 * 60, now=OPENED, details=None):
    return alert_raise_for_unit(
        unit=world.class_a.unit,
        cause=Cause.SCHOOL_CLASS_CLUSTER,
        key="cluster",
        details=details
        or {
            "count": 3,
            "symptoms": ["fever"],
            "since": "2026-11-20",
            "threshold": 3,
            "window_days": 1,
        },
        owner=world.school_doctor,
        due_minutes=due_minutes,
        now=now,
    )


@pytest.fixture
def cluster(world):
    alert, _ = raise_cluster(world)
    return alert


@pytest.fixture
def resident_alert(world):
    alert, _ = alert_raise(person=world.shan, cause=Cause.FEVER, details={}, now=OPENED)
    return alert


def test_a_unit_alert_has_no_person_and_notifies_its_owner(world, cluster):
    assert (cluster.person, cluster.grid, cluster.owner) == (
        None,
        world.class_a.unit,
        world.school_doctor,
    )
    assert cluster.due_at == OPENED + datetime.timedelta(hours=24)
    note = Notification.objects.get(alert=cluster)
    assert note.recipient == world.school_doctor
    assert "一年级1班" in note.title_text


def test_one_open_alert_per_unit_cause_and_key(world, cluster):
    again, created = raise_cluster(world, details={"count": 4, "symptoms": ["fever"]})
    assert (again.pk, created) == (cluster.pk, False)
    assert again.hits == 2
    other, created = alert_raise_for_unit(
        unit=world.class_a.unit,
        cause=Cause.SCHOOL_DISEASE,
        key="hfmd",
        details={"count": 2},
        due_minutes=60,
        now=OPENED,
    )
    assert created and other.pk != cluster.pk


def test_the_same_figures_again_write_nothing(world, cluster):
    again, created = raise_cluster(world, now=OPENED + datetime.timedelta(minutes=5))
    assert not created
    again.refresh_from_db()
    assert (again.hits, again.last_seen_at) == (1, OPENED)


# ---------------------------------------------------------------- escalation


def test_an_overdue_school_alert_goes_to_the_principal_then_to_the_education_bureau_and_cdc(
    world, cluster
):
    SchoolRules.objects.update_or_create(id=1, defaults={"escalation_hours": 2})
    due = cluster.due_at
    alerts_escalate(now=due - datetime.timedelta(minutes=1))
    cluster.refresh_from_db()
    assert cluster.level == EscalationLevel.WORKER

    alerts_escalate(now=due)
    cluster.refresh_from_db()
    assert (cluster.level, cluster.owner) == (EscalationLevel.COMMUNITY, world.principal)
    assert cluster.due_at == due + datetime.timedelta(hours=2)
    assert cluster.level_label == str(SCHOOL_LEVEL_LABELS[EscalationLevel.COMMUNITY])
    assert list(open_alerts_owned_by(world.principal)) == [cluster]

    alerts_escalate(now=cluster.due_at)
    cluster.refresh_from_db()
    assert cluster.level == EscalationLevel.STREET
    assert cluster.owner in (world.education_officer, world.cdc_officer)
    told = set(
        Notification.objects.filter(alert=cluster, title__startswith="")
        .exclude(recipient=world.school_doctor)
        .values_list("recipient__username", flat=True)
    )
    assert told == {"principal", "education_officer", "cdc_officer"}
    assert cluster in open_alerts_owned_by(world.cdc_officer)
    assert cluster in open_alerts_owned_by(world.education_officer)


def test_a_resident_alert_still_climbs_to_community_staff_then_the_street(world, resident_alert):
    alerts_escalate(now=resident_alert.due_at)
    resident_alert.refresh_from_db()
    assert (resident_alert.level, resident_alert.owner) == (
        EscalationLevel.COMMUNITY,
        world.community_staff,
    )


def test_an_acknowledged_school_alert_does_not_climb(world, cluster):
    alert_acknowledge(actor=world.school_doctor, alert=cluster)
    alerts_escalate(now=cluster.due_at + datetime.timedelta(hours=1))
    cluster.refresh_from_db()
    assert cluster.level == EscalationLevel.WORKER


# ---------------------------------------------------------------- scope


def test_the_education_officer_sees_school_alerts_and_no_resident_alert(
    world, cluster, resident_alert
):
    assert list(alerts_visible_to(world.education_officer)) == [cluster]
    assert list(alerts_visible_to(world.cdc_officer)) == [cluster]


def test_grid_workers_and_street_officers_see_no_school_alert(world, cluster, resident_alert):
    assert list(alerts_visible_to(world.grid_worker)) == [resident_alert]
    assert list(alerts_visible_to(world.street_officer)) == [resident_alert]


def test_school_roles_see_their_school_s_alerts_only(world, cluster):
    other, _ = alert_raise_for_unit(
        unit=world.other_school.unit,
        cause=Cause.SCHOOL_ILI,
        key="ili",
        details={"count": 10},
        due_minutes=60,
        now=OPENED,
    )
    assert list(alerts_visible_to(world.school_doctor)) == [cluster]
    assert list(alerts_visible_to(world.principal)) == [cluster]
    assert list(alerts_visible_to(world.teacher)) == []
    assert set(alerts_visible_to(world.admin_user)) == {cluster, other}


def test_a_grid_worker_may_not_acknowledge_a_school_alert(world, cluster):
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=world.grid_worker, alert=cluster)


def test_the_principal_acknowledges_a_school_alert(world, cluster):
    alert_acknowledge(actor=world.principal, alert=cluster)
    cluster.refresh_from_db()
    assert (cluster.status, cluster.owner) == (AlertStatus.ACKNOWLEDGED, world.principal)


# ---------------------------------------------------------------- pages and API


def test_the_alert_page_shows_a_unit_alert_without_a_person(world, client, cluster):
    client.force_login(world.education_officer)
    response = client.get(reverse("alerts:detail", args=[cluster.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="alert-unit"' in body
    assert "建国门第一小学 · 一年级1班" in body
    assert "threshold 3 in 1 day" in body or "阈值" in body
    # the education bureau receives the report, it does not send it
    assert reverse("schools:epidemic_report_new", args=[cluster.pk]) not in body


def test_the_alert_list_shows_school_alerts_to_the_health_officer(world, client, cluster):
    client.force_login(world.school_doctor)
    response = client.get(reverse("alerts:list"))
    assert response.status_code == 200
    assert f'href="{reverse("alerts:detail", args=[cluster.pk])}"' in response.content.decode()


def test_a_grid_worker_gets_no_school_alert_page(world, client, cluster):
    client.force_login(world.grid_worker)
    assert client.get(reverse("alerts:detail", args=[cluster.pk])).status_code == 404


def test_school_alerts_come_through_the_alerts_api_with_their_causes(
    world, cluster, resident_alert
):
    _token, raw = api_token_create(actor=None, user=world.cdc_officer)
    with time_machine.travel(OPENED, tick=False):
        response = Client().get("/api/v1/alerts", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    items = json.loads(response.content)["items"]
    assert [(i["id"], i["cause"], i["person"], i["grid"]) for i in items] == [
        (cluster.pk, "school_class_cluster", None, "K1")
    ]


def test_a_school_alert_is_resolved_as_reported_on_its_page(world, client, cluster):
    client.force_login(world.school_doctor)
    page = client.get(reverse("alerts:detail", args=[cluster.pk]))
    offered = [v for v, _label in page.context["resolve_form"].fields["outcome"].choices]
    assert offered == ["", "false_reading", "reported", "other"]
    response = client.post(
        reverse("alerts:resolve", args=[cluster.pk]), {"outcome": "reported", "note": "已报告"}
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert (cluster.status, cluster.outcome) == (AlertStatus.RESOLVED, "reported")
