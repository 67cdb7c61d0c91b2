"""The school epidemic report: sent from a school alert by the health officer to every CDC
and education officer of the district at once, with content generated from the data and
names masked; each receiver acknowledges it once; the sent time proves the deadline."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.alerts.models import Alert, AlertStatus, Cause, Notification
from shoumen.schools.epidemic_selectors import deadline_of, reports_list
from shoumen.schools.epidemic_services import (
    ERR_NOT_A_RECEIVER,
    epidemic_report_acknowledge,
    epidemic_report_send,
)
from shoumen.schools.models import EpidemicReport, EpidemicReportAck, FindingKind, Receiver
from tests.schools.test_outbreak_rules import FRI, at, evaluate, found, new_pupils

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(world):
    """Three pupils of class K1 absent with fever and cough on Friday: a class cluster
    raised at 10:00, due in 24 hours."""
    pupils = [world.pupil("张小明"), world.pupil("李小红"), world.pupil("王小刚")]
    found(world.class_a, FRI, pupils[:2], onset_date=FRI - datetime.timedelta(days=1))
    found(
        world.class_a,
        FRI,
        pupils[2:],
        kind=FindingKind.SYMPTOMATIC,
        to_observation_room=True,
        guardian_notified=True,
    )
    evaluate(at(FRI, 10))
    return Alert.objects.get(cause=Cause.SCHOOL_CLASS_CLUSTER)


def send(world, alert, *, when=None, actor=None, **kwargs):
    when = when or at(FRI, 11)
    with time_machine.travel(when, tick=False):
        return epidemic_report_send(
            actor=actor or world.school_doctor,
            alert=alert,
            actions=kwargs.pop("actions", ["disinfection"]),
            remarks=kwargs.pop("remarks", "已全面消毒"),
            **kwargs,
        )


def test_the_report_names_cases_masked_with_classes_symptoms_and_onsets(world, cluster):
    report, created = send(world, cluster)
    assert created
    content = report.content
    assert content["count"] == 3
    assert {c["name"] for c in content["cases"]} == {"张**", "李**", "王**"}
    assert {c["class"] for c in content["cases"]} == {"一年级1班"}
    assert all("fever" in c["symptoms"] for c in content["cases"])
    assert sorted(c["onset"] for c in content["cases"]) == [
        "2026-11-19",
        "2026-11-19",
        "2026-11-20",
    ]
    assert content["by_day"] == {"2026-11-20": 3}
    assert content["by_class"] == {"一年级1班": 3}
    assert report.actions == ["disinfection"]
    assert "张小明" not in str(content)


def test_sending_notifies_every_cdc_and_education_officer_and_acknowledges_the_alert(
    world, cluster
):
    send(world, cluster)
    told = set(
        Notification.objects.filter(alert=cluster).values_list("recipient__username", flat=True)
    )
    assert {"cdc_officer", "education_officer"} <= told
    cluster.refresh_from_db()
    assert cluster.status == AlertStatus.ACKNOWLEDGED
    assert cluster.owner == world.school_doctor


def test_sending_again_answers_the_report_sent(world, cluster):
    first, _ = send(world, cluster)
    again, created = send(world, cluster, when=at(FRI, 12))
    assert (again.pk, created) == (first.pk, False)
    assert EpidemicReport.objects.count() == 1


def test_a_report_within_the_rule_hours_is_on_time_and_after_them_overdue(world, cluster):
    on_time, _ = send(world, cluster, when=at(FRI, 10) + datetime.timedelta(hours=24))
    assert deadline_of(on_time) == {"known": True, "on_time": True, "hours": 24, "late_minutes": 0}
    EpidemicReport.objects.all().delete()
    late, _ = send(world, cluster, when=at(FRI, 10) + datetime.timedelta(hours=24, minutes=1))
    assert deadline_of(late)["on_time"] is False
    assert deadline_of(late)["late_minutes"] == 1


def test_a_class_teacher_may_not_send_the_report(world, cluster):
    with pytest.raises(PermissionDenied):
        send(world, cluster, actor=world.teacher)
    assert not EpidemicReport.objects.exists()


def test_an_unknown_action_is_refused(world, cluster):
    with pytest.raises(ValidationError):
        send(world, cluster, actions=["prayed"])
    assert not EpidemicReport.objects.exists()


def test_the_cdc_and_the_education_bureau_each_acknowledge_once(world, cluster):
    report, _ = send(world, cluster)
    ack, created = epidemic_report_acknowledge(
        actor=world.cdc_officer, report=report, receiver=Receiver.CDC
    )
    assert created
    again, created = epidemic_report_acknowledge(
        actor=world.cdc_officer, report=report, receiver=Receiver.CDC
    )
    assert (again.pk, created) == (ack.pk, False)
    epidemic_report_acknowledge(
        actor=world.education_officer, report=report, receiver=Receiver.EDUCATION
    )
    assert set(EpidemicReportAck.objects.values_list("receiver", flat=True)) == {"cdc", "education"}


def test_the_cdc_officer_does_not_acknowledge_for_the_education_bureau(world, cluster):
    report, _ = send(world, cluster)
    with pytest.raises(ValidationError):
        epidemic_report_acknowledge(
            actor=world.cdc_officer, report=report, receiver=Receiver.EDUCATION
        )


def test_the_principal_does_not_acknowledge(world, cluster):
    report, _ = send(world, cluster)
    with pytest.raises(PermissionDenied):
        epidemic_report_acknowledge(actor=world.principal, report=report, receiver=Receiver.CDC)


def test_an_administrator_holds_no_receiver_role(world, cluster):
    report, _ = send(world, cluster)
    with pytest.raises(ValidationError) as refused:
        epidemic_report_acknowledge(actor=world.admin_user, report=report, receiver=Receiver.CDC)
    assert refused.value.messages == [str(ERR_NOT_A_RECEIVER)]


def test_the_receivers_inbox_lists_reports_not_acknowledged_first(world, cluster):
    first, _ = send(world, cluster)
    found(world.class_b, FRI, new_pupils(world.class_b, 3))
    evaluate(at(FRI, 11))
    second_alert = Alert.objects.get(cause=Cause.SCHOOL_CLASS_CLUSTER, grid=world.class_b.unit)
    second, _ = send(world, second_alert, when=at(FRI, 12))
    epidemic_report_acknowledge(actor=world.cdc_officer, report=second, receiver=Receiver.CDC)
    assert [r.pk for r in reports_list(world.cdc_officer)] == [first.pk, second.pk]
    assert [r.pk for r in reports_list(world.school_doctor)] == [second.pk, first.pk]
    assert list(reports_list(world.teacher)) == []


# ---------------------------------------------------------------- pages


def test_the_health_officer_reviews_and_sends_the_report_from_the_alert(world, client, cluster):
    client.force_login(world.school_doctor)
    detail = client.get(reverse("alerts:detail", args=[cluster.pk]))
    new_url = reverse("schools:epidemic_report_new", args=[cluster.pk])
    assert new_url in detail.content.decode()
    page = client.get(new_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "张**" in body and "张小明" not in body
    # the checks' findings tick the observation room and the guardians already
    assert page.context["form"].initial["actions"] == ["observation_room", "guardians_notified"]
    response = client.post(
        new_url,
        {"client_uuid": str(uuid.uuid4()), "actions": ["disinfection", "guardians_notified"]},
    )
    report = EpidemicReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("schools:epidemic_report", args=[report.pk])
    assert report.actions == ["disinfection", "guardians_notified"]


def test_an_empty_send_is_refused_and_writes_nothing(world, client, cluster):
    client.force_login(world.school_doctor)
    response = client.post(reverse("schools:epidemic_report_new", args=[cluster.pk]), {})
    assert response.status_code == 400
    assert not EpidemicReport.objects.exists()


def test_the_cdc_officer_acknowledges_on_the_report_page(world, client, cluster):
    report, _ = send(world, cluster)
    client.force_login(world.cdc_officer)
    url = reverse("schools:epidemic_report", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="acknowledge-cdc"' in page
    assert 'data-testid="acknowledge-education"' not in page
    assert 'data-on-time="1"' in page
    response = client.post(
        reverse("schools:epidemic_report_acknowledge", args=[report.pk]), {"receiver": "cdc"}
    )
    assert response.status_code == 302
    assert EpidemicReportAck.objects.get().acknowledged_by == world.cdc_officer
    assert 'data-testid="acknowledge-cdc"' not in client.get(url).content.decode()


def test_the_reports_list_shows_the_receiver_what_is_unacknowledged(world, client, cluster):
    send(world, cluster)
    client.force_login(world.education_officer)
    page = client.get(reverse("schools:epidemic_reports")).content.decode()
    assert 'data-acknowledged="0"' in page
    assert "建国门第一小学" in page


def test_a_class_a_case_reported_within_2_hours_shows_so(world, client):
    from shoumen.schools.models import Disease

    pupil = world.pupil("赵小丽")
    found(world.class_b, FRI, [pupil], disease=Disease.objects.get(code="cholera"))
    evaluate(at(FRI, 9))
    alert = Alert.objects.get(cause=Cause.SCHOOL_NOTIFIABLE_CASE)
    report, _ = send(world, alert, when=at(FRI, 10, 59))
    assert deadline_of(report) == {"known": True, "on_time": True, "hours": 2, "late_minutes": 0}
    client.force_login(world.cdc_officer)
    page = client.get(reverse("schools:epidemic_report", args=[report.pk])).content.decode()
    assert 'data-on-time="1"' in page
    assert "赵*" in page and "赵小丽" not in page


def test_the_receivers_inbox_message_names_the_unit_and_the_count(world, cluster):
    send(world, cluster)
    note = Notification.objects.get(alert=cluster, recipient=world.cdc_officer)
    assert "一年级1班" in note.title_text
    assert "3" in note.title_text
