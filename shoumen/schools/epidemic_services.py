"""The school epidemic report (传染病疫情报告): from a school alert, the health officer sends
a report generated from the data to the district's CDC and education bureau at once; each
acknowledges it. The sent time against the alert's opened time plus the rule's hours
proves the deadline met."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import require, roles_of
from shoumen.alerts.messages import words
from shoumen.alerts.models import SCHOOL_CAUSES, Alert, AlertStatus
from shoumen.alerts.notify import notify
from shoumen.alerts.services import alert_acknowledge
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import age_on
from shoumen.lib.names import mask_name
from shoumen.lib.text import clean_line
from shoumen.places.models import Level, OrgUnit
from shoumen.schools.models import (
    EpidemicReport,
    EpidemicReportAck,
    Finding,
    FindingKind,
    Pupil,
    Receiver,
    School,
)

ERR_NOT_SCHOOL_ALERT = _("Only a school alert is reported to the CDC and education bureau.")
ERR_UNKNOWN_ACTION = _("Choose the actions taken from the list.")
ERR_NOT_A_RECEIVER = _("Only a CDC or education bureau officer acknowledges a school report.")
ERR_NOT_YOUR_RECEIVER = _("You do not receive school reports for this receiver.")

TITLE_REPORT_SENT = _("School epidemic report: %(cause)s at %(unit)s, %(count)s cases")

ACTIONS = {
    "observation_room": _("Sent to the observation room"),
    "guardians_notified": _("Guardians notified"),
    "disinfection": _("Disinfection"),
    "class_suspended": _("Class suspended"),
}

RECEIVER_OF_ROLE = {Role.CDC_OFFICER: Receiver.CDC, Role.EDUCATION_OFFICER: Receiver.EDUCATION}
DEFAULT_DUE_HOURS = 24


def school_of_alert(alert: Alert) -> School:
    """The school a school alert hangs on: its own unit or its class's."""
    unit = alert.grid
    if unit.level == Level.CLASS:
        return School.objects.select_related("unit").get(classes__unit=unit)
    return School.objects.select_related("unit").get(unit=unit)


def due_at_of(alert: Alert) -> datetime.datetime:
    """When the report was due: the alert's opening plus the rule's hours (escalation
    moves the alert's own due time on, not the report's)."""
    hours = int(alert.details.get("due_hours") or DEFAULT_DUE_HOURS)
    return alert.opened_at + datetime.timedelta(hours=hours)


def report_content(alert: Alert) -> dict:
    """The report's content, from the data: the cases (names masked, age), their classes,
    symptoms, onset dates, and the counts by day and by class."""
    details = alert.details
    pupil_ids = [int(p) for p in details.get("pupils", [])]
    since = datetime.date.fromisoformat(details["since"]) if details.get("since") else None
    until = datetime.date.fromisoformat(details["date"]) if details.get("date") else None
    findings = Finding.objects.filter(pupil_id__in=pupil_ids).select_related("disease")
    if since is not None:
        findings = findings.filter(date__gte=since)
    if until is not None:
        findings = findings.filter(date__lte=until)
    pupils = Pupil.objects.filter(pk__in=pupil_ids).select_related("klass__unit")
    by_pupil: dict[int, list[Finding]] = {}
    for finding in findings.order_by("date", "pk"):
        by_pupil.setdefault(finding.pupil_id, []).append(finding)
    cases: list[dict] = []
    by_day: dict[str, int] = {}
    by_class: dict[str, int] = {}
    day_of_report = until or timezone.localdate()
    for pupil in sorted(pupils, key=lambda p: (p.klass.unit.name, p.name)):
        seen = by_pupil.get(pupil.pk, [])
        symptoms = sorted({s for f in seen for s in f.symptoms})
        temperatures = [f.temperature for f in seen if f.temperature is not None]
        onsets = [f.onset_date for f in seen if f.onset_date] or [f.date for f in seen[:1]]
        diagnoses = sorted(
            {f.disease.name for f in seen if f.disease}
            | {f.diagnosis_note for f in seen if f.diagnosis_note}
        )
        for day in {f.date for f in seen}:
            by_day[day.isoformat()] = by_day.get(day.isoformat(), 0) + 1
        class_name = pupil.klass.unit.name
        by_class[class_name] = by_class.get(class_name, 0) + 1
        cases.append(
            {
                "name": mask_name(pupil.name),
                "sex": pupil.sex,
                "age": age_on(pupil.birth_date, day_of_report) if pupil.birth_date else None,
                "class": class_name,
                "symptoms": symptoms,
                "temperature": str(max(temperatures)) if temperatures else "",
                "onset": min(onsets).isoformat() if onsets else "",
                "absent": any(f.kind == FindingKind.SICK for f in seen),
                "diagnosis": "、".join(diagnoses),
                "observation_room": any(f.to_observation_room for f in seen),
                "guardian_notified": any(f.guardian_notified for f in seen),
            }
        )
    return {
        "cause": alert.cause,
        "unit": alert.grid.name,
        "disease": details.get("disease_name", ""),
        "symptoms": details.get("symptoms", []),
        "since": details.get("since", ""),
        "until": details.get("date", ""),
        "count": len(cases),
        "cases": cases,
        "by_day": dict(sorted(by_day.items())),
        "by_class": dict(sorted(by_class.items())),
        "opened_at": alert.opened_at.isoformat(),
    }


def actions_found(content: dict) -> list[str]:
    """The actions the data already shows (a check sent a pupil to the observation room,
    or notified a guardian), to tick by default."""
    found = []
    if any(c.get("observation_room") for c in content.get("cases", [])):
        found.append("observation_room")
    if any(c.get("guardian_notified") for c in content.get("cases", [])):
        found.append("guardians_notified")
    return found


def receivers_of(school: School) -> list[User]:
    """Every active CDC and education bureau officer of the school's district."""
    district_path = school.unit.path[: OrgUnit.steplen]
    return list(
        User.objects.filter(
            is_active=True,
            assignments__role__in=list(RECEIVER_OF_ROLE),
            assignments__org_unit__path=district_path,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def epidemic_report_send(
    *,
    actor,
    alert: Alert,
    actions: list[str],
    remarks: str = "",
    client_uuid: uuid.UUID | str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[EpidemicReport, bool]:
    """Send the report of ``alert``: store its content, tell every receiver in their inbox
    and acknowledge the alert. One report per alert: sending again answers the one sent
    (created False)."""
    alert = Alert.objects.select_for_update(of=("self",)).select_related("grid").get(pk=alert.pk)
    if alert.cause not in SCHOOL_CAUSES:
        raise ValidationError(ERR_NOT_SCHOOL_ALERT)
    school = school_of_alert(alert)
    require(actor, Perm.REPORT_SCHOOL, school.unit)
    sent = EpidemicReport.objects.filter(alert=alert).first()
    if sent is not None:
        return sent, False
    actions = list(dict.fromkeys(actions or []))
    if any(a not in ACTIONS for a in actions):
        raise ValidationError({"actions": [ERR_UNKNOWN_ACTION]})
    now = now or timezone.now()
    content = report_content(alert)
    if client_uuid:
        content["client_uuid"] = str(client_uuid)
    due_at = due_at_of(alert)
    report = EpidemicReport.objects.create(
        school=school,
        alert=alert,
        cause=alert.cause,
        content=content,
        actions=actions,
        remarks=clean_line(remarks)[:500],
        sent_by=actor,
        sent_at=now,
        due_at=due_at,
    )
    receivers = receivers_of(school)
    audit_event_record(
        actor=actor,
        action="epidemic_report.send",
        target=report,
        org_path=school.unit.path,
        changes={
            "alert": alert.pk,
            "cause": alert.cause,
            "cases": content["count"],
            "actions": actions,
            "on_time": now <= due_at,
            "receivers": len(receivers),
        },
    )
    values = {"cause": alert.cause, "unit": alert.grid.name, "count": content["count"]}
    notify(
        recipients=receivers,
        alert=alert,
        title=TITLE_REPORT_SENT % {**values, "cause": alert.get_cause_display()},
        words={"title": words("school.report_sent", values)},
    )
    if alert.status == AlertStatus.OPEN:
        alert_acknowledge(actor=actor, alert=alert)
    return report, True


def receiver_kinds(user) -> list[str]:
    """The receivers ``user`` acknowledges for: CDC, education bureau, or both."""
    roles = roles_of(user)
    return [str(kind) for role, kind in RECEIVER_OF_ROLE.items() if role in roles]


@transaction.atomic
def epidemic_report_acknowledge(
    *, actor, report: EpidemicReport, receiver: str, now: datetime.datetime | None = None
) -> tuple[EpidemicReportAck, bool]:
    """The CDC or the education bureau acknowledges a report: one acknowledgement per
    receiver; acknowledging again answers the first (created False)."""
    school = School.objects.select_related("unit").get(pk=report.school_id)
    require(actor, Perm.RECEIVE_SCHOOL_REPORTS, school.unit)
    kinds = receiver_kinds(actor)
    if not kinds:
        raise ValidationError(ERR_NOT_A_RECEIVER)
    if receiver not in kinds:
        raise ValidationError({"receiver": [ERR_NOT_YOUR_RECEIVER]})
    done = EpidemicReportAck.objects.filter(report=report, receiver=receiver).first()
    if done is not None:
        return done, False
    ack = EpidemicReportAck(
        report=report,
        receiver=receiver,
        acknowledged_by=actor,
        acknowledged_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            ack.save()
    except IntegrityError:
        # Acknowledged at the same moment by a colleague: that one stands.
        return EpidemicReportAck.objects.get(report=report, receiver=receiver), False
    audit_event_record(
        actor=actor,
        action="epidemic_report.acknowledge",
        target=report,
        org_path=school.unit.path,
        changes={"receiver": receiver},
    )
    return ack, True
