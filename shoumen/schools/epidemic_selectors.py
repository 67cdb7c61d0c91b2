"""Scoped reads of school epidemic reports: the receivers (CDC and education bureau) see
their district's, the school's health officer and principal their school's."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.alerts.models import SCHOOL_CAUSES, Alert
from shoumen.alerts.selectors import alerts_visible_to
from shoumen.schools.epidemic_services import receiver_kinds
from shoumen.schools.models import EpidemicReport, EpidemicReportAck

PATH = "school__unit__path"


def may_see_reports(user) -> bool:
    return bool(
        scope_paths(user, Perm.RECEIVE_SCHOOL_REPORTS) or scope_paths(user, Perm.REPORT_SCHOOL)
    )


def reports_visible_to(user) -> QuerySet[EpidemicReport]:
    return EpidemicReport.objects.filter(
        scope_q(user, Perm.RECEIVE_SCHOOL_REPORTS, PATH) | scope_q(user, Perm.REPORT_SCHOOL, PATH)
    )


def reports_list(user) -> QuerySet[EpidemicReport]:
    """Newest first; for a receiver, those it has not acknowledged yet come first."""
    qs = reports_visible_to(user).select_related("school__unit", "sent_by")
    kinds = receiver_kinds(user)
    if kinds:
        mine = EpidemicReportAck.objects.filter(report=OuterRef("pk"), receiver__in=kinds)
        return qs.annotate(acknowledged=Exists(mine)).order_by("acknowledged", "-sent_at", "-pk")
    return qs.order_by("-sent_at", "-pk")


def report_for(user, pk: int) -> EpidemicReport:
    """One report in scope, or EpidemicReport.DoesNotExist."""
    return reports_visible_to(user).select_related("school__unit", "sent_by", "alert").get(pk=pk)


def acks_of(report: EpidemicReport) -> dict[str, EpidemicReportAck]:
    return {
        ack.receiver: ack
        for ack in EpidemicReportAck.objects.filter(report=report).select_related("acknowledged_by")
    }


def alert_to_report(user, pk: int) -> Alert:
    """A school alert the actor may send the report of, or Alert.DoesNotExist."""
    return (
        alerts_visible_to(user)
        .filter(Q(cause__in=sorted(SCHOOL_CAUSES)), scope_q(user, Perm.REPORT_SCHOOL, "grid__path"))
        .select_related("grid", "owner")
        .get(pk=pk)
    )


def report_of_alert(alert: Alert) -> EpidemicReport | None:
    return EpidemicReport.objects.filter(alert=alert).first()


def deadline_of(report: EpidemicReport) -> dict:
    """Whether the report went out within the rule's hours of the alert: the proof that
    "第一时间(2小时内)" was met, or by how long it was missed."""
    if report.due_at is None:
        return {"known": False}
    opened = report.content.get("opened_at")
    hours = None
    if opened:
        opened_at = datetime.datetime.fromisoformat(opened)
        hours = round((report.due_at - opened_at).total_seconds() / 3600)
    late = report.sent_at - report.due_at
    return {
        "known": True,
        "on_time": late.total_seconds() <= 0,
        "hours": hours,
        "late_minutes": max(0, int(late.total_seconds() // 60)),
    }
