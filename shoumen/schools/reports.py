"""The school ledgers (.xlsx), with the headers schools use: 晨午检登记表, 因病缺勤登记追踪表,
复课证明登记 and 传染病疫情报告登记, for one school and a range of days.

ID numbers are always masked unless the actor holds the sensitive-export right and gives a
reason; pupils' names are full for the school's own staff and masked (张*) for district
roles. Every export is audited. Rows are read with a fixed number of queries (one per
table) and streamed into the workbook, whatever the size of the school."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import age_on, today
from shoumen.lib.errors import ERR_NOT_ALLOWED, ERR_OUT_OF_SCOPE, clean_reason, deny
from shoumen.lib.ids import mask_id_number
from shoumen.lib.names import mask_name
from shoumen.lib.text import clean_line
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, LedgerWorkbook
from shoumen.schools.ledger_words import (
    ABSENCE_STATUS_WORDS,
    ACTION_WORDS,
    COURSE_WORDS,
    FINDING_WORDS,
    SESSION_WORDS,
    SEX_WORDS,
    cause_label,
    content_cases,
    counts_text,
    diagnosis_text,
    symptom_text,
    when_text,
    who_text,
    yes_no,
)
from shoumen.schools.models import (
    Absence,
    AbsenceFollowUp,
    ClassCheck,
    EpidemicReport,
    Finding,
    FindingKind,
    Pupil,
    Receiver,
    ReturnCertificate,
    School,
    Session,
)

KIND_CHECKS = "checks"
KIND_ABSENCES = "absences"
KIND_CERTIFICATES = "certificates"
KIND_EPIDEMIC_REPORTS = "epidemic-reports"
# Slug -> the ledger's name as schools call it (the sheet and file name).
LEDGER_KINDS: dict[str, str] = {
    KIND_CHECKS: "晨午检登记表",
    KIND_ABSENCES: "因病缺勤登记追踪表",
    KIND_CERTIFICATES: "复课证明登记",
    KIND_EPIDEMIC_REPORTS: "传染病疫情报告登记",
}
# The longest range of days one ledger covers.
MAX_DAYS = 366
CHUNK_SIZE = 2000

# 没有这种台账。
ERR_LEDGER_KIND = _("There is no such ledger.")
# 结束日期不能早于开始日期。
ERR_DATE_ORDER = _("The last day cannot be before the first day.")
# 一次最多导出 %(days)s 天。
ERR_TOO_MANY_DAYS = _("A ledger covers at most %(days)s days.")


@dataclass(frozen=True)
class SchoolLedger:
    content: bytes
    filename: str
    content_type: str
    rows: int


@dataclass(frozen=True)
class _Shown:
    """How the actor sees pupils in this export."""

    full_names: bool
    unmasked: bool
    day: datetime.date

    def name(self, name: str) -> str:
        return name if self.full_names else mask_name(name)

    def pupil(self, pupil: Pupil) -> list[Any]:
        """姓名, 性别, 年龄, 身份证号: the age, never the birth date, next to a masked ID."""
        number = pupil.id_number()
        shown = number if self.unmasked else (mask_id_number(number) if number else "")
        age = age_on(pupil.birth_date, self.day) if pupil.birth_date else None
        return [self.name(pupil.name), SEX_WORDS.get(pupil.sex, ""), age, shown]


PUPIL_HEADERS = ["姓名", "性别", "年龄", "身份证号"]


def school_ledger_export(
    *,
    actor,
    kind: str,
    school: School,
    start: datetime.date,
    end: datetime.date,
    unmasked: bool = False,
    reason: str = "",
) -> SchoolLedger:
    """One school ledger for ``start``..``end`` as .xlsx; the export is audited."""
    if kind not in LEDGER_KINDS:
        raise ValidationError({"kind": [ERR_LEDGER_KIND]})
    unit = school.unit
    if not (can(actor, Perm.EXPORT_SCHOOL_LEDGERS, unit) and can(actor, Perm.VIEW_SCHOOLS, unit)):
        raise deny(ERR_OUT_OF_SCOPE)
    if end < start:
        raise ValidationError({"end": [ERR_DATE_ORDER]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": [ERR_TOO_MANY_DAYS % {"days": MAX_DAYS}]})
    reason = clean_line(reason or "")
    if unmasked:
        if not can(actor, Perm.EXPORT_SENSITIVE, unit):
            raise deny(ERR_NOT_ALLOWED)
        reason = clean_reason(reason)
    shown = _Shown(
        full_names=unmasked or sees_full_names(actor, school), unmasked=unmasked, day=today()
    )
    with transaction.atomic():
        content, rows = _BUILDERS[kind](school, start, end, shown)
        audit_event_record(
            actor=actor,
            action="school.ledger.export",
            target=school,
            org_path=unit.path,
            changes={
                "ledger": kind,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "rows": rows,
                "masked": not unmasked,
                "full_names": shown.full_names,
            },
            reason=reason,
        )
    span = start.strftime("%Y%m%d") + ("" if end == start else "-" + end.strftime("%Y%m%d"))
    filename = f"{unit.name}{LEDGER_KINDS[kind]}{span}.xlsx"
    return SchoolLedger(
        content=content, filename=filename, content_type=XLSX_CONTENT_TYPE, rows=rows
    )


def sees_full_names(actor, school: School) -> bool:
    """The school's own staff (health officer, principal) see their pupils' full names;
    district roles see them masked."""
    unit = school.unit
    return can(actor, Perm.MANAGE_PUPILS, unit) or can(actor, Perm.FOLLOW_UP_ABSENCES, unit)


def _title(school: School, kind: str, start: datetime.date, end: datetime.date) -> str:
    span = start.isoformat() if start == end else f"{start.isoformat()} 至 {end.isoformat()}"
    return f"{school.unit.name} {LEDGER_KINDS[kind]}（{span}）"


def _write(
    school: School,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    headers: list[str],
    rows: Iterable[list[Any]],
) -> tuple[bytes, int]:
    workbook = LedgerWorkbook()
    id_column = headers.index("身份证号") if "身份证号" in headers else None
    sheet = workbook.sheet(
        LEDGER_KINDS[kind],
        headers=headers,
        title=_title(school, kind, start, end),
        widths=[22 if i == id_column else 12 for i in range(len(headers))],
        text_columns={id_column} if id_column is not None else (),
    )
    sheet.extend(rows)
    return workbook.save(), sheet.rows


# ---------------------------------------------------------------- 晨午检登记表

CHECK_HEADERS = [
    "日期", "班级", "时段", "班级人数", "出勤人数", "因病缺勤人数", "事假人数",
    "当日症状人数", "近3日症状人数", *PUPIL_HEADERS, "情况", "症状", "体温(℃)",
    "发病日期", "是否就诊", "诊断", "送观察室", "已通知家长", "填报人", "填报时间", "补报",
]  # fmt: skip


def _symptom_counts(
    school: School, start: datetime.date, end: datetime.date
) -> tuple[dict[tuple[int, datetime.date], Counter], dict[tuple[int, datetime.date], Counter]]:
    """Per (class, day): each symptom counted once per pupil that day; and over that day
    and the two before it (once per pupil over the three days)."""
    seen: dict[tuple[int, datetime.date], dict[int, set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for klass_id, date, pupil_id, symptoms in (
        Finding.objects.filter(
            school=school, date__gte=start - datetime.timedelta(days=2), date__lte=end
        )
        .exclude(symptoms=[])
        .values_list("klass_id", "date", "pupil_id", "symptoms")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        seen[(klass_id, date)][pupil_id].update(symptoms or [])
    day_counts: dict[tuple[int, datetime.date], Counter] = {}
    three_days: dict[tuple[int, datetime.date], Counter] = {}
    classes = {klass_id for klass_id, _date in seen}
    day = start
    while day <= end:
        for klass_id in classes:
            today_seen = seen.get((klass_id, day), {})
            day_counts[(klass_id, day)] = Counter(
                s for symptoms in today_seen.values() for s in symptoms
            )
            window: dict[int, set[str]] = defaultdict(set)
            for back in range(3):
                for pupil_id, symptoms in seen.get(
                    (klass_id, day - datetime.timedelta(days=back)), {}
                ).items():
                    window[pupil_id] |= symptoms
            three_days[(klass_id, day)] = Counter(
                s for symptoms in window.values() for s in symptoms
            )
        day += datetime.timedelta(days=1)
    return day_counts, three_days


def _check_rows(
    school: School, start: datetime.date, end: datetime.date, shown: _Shown
) -> Iterator[list[Any]]:
    day_counts, three_days = _symptom_counts(school, start, end)
    findings: dict[int, list[Finding]] = defaultdict(list)
    for finding in (
        Finding.objects.filter(school=school, date__gte=start, date__lte=end)
        .select_related("pupil", "disease")
        .order_by("pupil__name", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        findings[finding.check_record_id].append(finding)
    session_order = {s: i for i, s in enumerate(Session.values)}
    checks = sorted(
        ClassCheck.objects.filter(school=school, date__gte=start, date__lte=end)
        .select_related("klass__unit", "submitted_by")
        .iterator(chunk_size=CHUNK_SIZE),
        key=lambda c: (c.date, c.klass.unit.path, session_order.get(c.session, 9)),
    )
    for check in checks:
        key = (check.klass_id, check.date)
        summary = [
            check.date,
            check.klass.unit.name,
            SESSION_WORDS.get(Session(check.session), check.session),
            check.enrolled,
            check.present,
            check.sick_absent,
            check.personal_absent,
            counts_text(day_counts.get(key, Counter())),
            counts_text(three_days.get(key, Counter())),
        ]
        tail = [who_text(check.submitted_by), when_text(check.submitted_at), yes_no(check.late)]
        listed = findings.get(check.pk, [])
        if not listed:
            yield [*summary, *([None] * (len(CHECK_HEADERS) - len(summary) - len(tail))), *tail]
            continue
        for finding in listed:
            yield [
                *summary,
                *shown.pupil(finding.pupil),
                FINDING_WORDS.get(FindingKind(finding.kind), finding.kind),
                symptom_text(finding.symptoms or []),
                finding.temperature,
                finding.onset_date,
                yes_no(finding.saw_doctor) if finding.kind == FindingKind.SICK else "",
                diagnosis_text(finding.disease, finding.diagnosis_note),
                yes_no(finding.to_observation_room)
                if finding.kind == FindingKind.SYMPTOMATIC
                else "",
                yes_no(finding.guardian_notified),
                *tail,
            ]


def _checks_ledger(school, start, end, shown) -> tuple[bytes, int]:
    return _write(
        school, KIND_CHECKS, start, end, CHECK_HEADERS, _check_rows(school, start, end, shown)
    )


# ---------------------------------------------------------------- 因病缺勤登记追踪表

ABSENCE_HEADERS = [
    "班级", *PUPIL_HEADERS, "缺勤首日", "症状", "发病日期", "是否就诊", "诊断", "来源",
    "随访日期", "联系上家长", "病情转归", "随访诊断", "随访记录", "随访人", "状态", "复课日期",
]  # fmt: skip


def _absences_in(school: School, start: datetime.date, end: datetime.date):
    """Absences that ran during the days: begun by the last day, not back before the first."""
    return Absence.objects.filter(school=school, first_day__lte=end).filter(
        Q(returned_on__isnull=True) | Q(returned_on__gte=start)
    )


def _absence_rows(school, start, end, shown: _Shown) -> Iterator[list[Any]]:
    follow_ups = AbsenceFollowUp.objects.select_related("disease", "recorded_by").order_by(
        "date", "recorded_at"
    )
    absences = (
        _absences_in(school, start, end)
        .select_related("pupil", "klass__unit", "disease")
        .prefetch_related(Prefetch("follow_ups", queryset=follow_ups))
        .order_by("first_day", "klass__unit__path", "pk")
    )
    for absence in absences.iterator(chunk_size=CHUNK_SIZE):
        head = [
            absence.klass.unit.name,
            *shown.pupil(absence.pupil),
            absence.first_day,
            symptom_text(absence.symptoms or []),
            absence.onset_date,
            yes_no(absence.saw_doctor),
            diagnosis_text(absence.disease, absence.diagnosis_note),
            "家长报告" if absence.reported_by_guardian else "晨午检",
        ]
        tail = [ABSENCE_STATUS_WORDS.get(absence.status, absence.status), absence.returned_on]
        listed = list(absence.follow_ups.all())
        if not listed:
            yield [*head, None, None, None, None, None, None, *tail]
            continue
        for follow_up in listed:
            yield [
                *head,
                follow_up.date,
                yes_no(follow_up.reached),
                COURSE_WORDS.get(follow_up.course, follow_up.course),
                diagnosis_text(follow_up.disease, follow_up.diagnosis_note),
                follow_up.note,
                who_text(follow_up.recorded_by),
                *tail,
            ]


def _absences_ledger(school, start, end, shown) -> tuple[bytes, int]:
    rows = _absence_rows(school, start, end, shown)
    return _write(school, KIND_ABSENCES, start, end, ABSENCE_HEADERS, rows)


# ---------------------------------------------------------------- 复课证明登记

CERTIFICATE_HEADERS = [
    "证明编号", "班级", *PUPIL_HEADERS, "缺勤首日", "诊断", "已查验医院证明", "开具人",
    "开具时间", "复课确认人", "复课确认时间",
]  # fmt: skip


def _certificate_rows(school, start, end, shown: _Shown) -> Iterator[list[Any]]:
    certificates = (
        ReturnCertificate.objects.filter(absence__school=school)
        .filter(issued_at__date__gte=start, issued_at__date__lte=end)
        .select_related(
            "absence__pupil", "absence__klass__unit", "absence__disease", "issued_by", "admitted_by"
        )
        .order_by("issued_at", "pk")
    )
    for certificate in certificates.iterator(chunk_size=CHUNK_SIZE):
        absence = certificate.absence
        yield [
            certificate.number,
            absence.klass.unit.name,
            *shown.pupil(absence.pupil),
            absence.first_day,
            diagnosis_text(absence.disease, absence.diagnosis_note),
            yes_no(certificate.hospital_certificate_checked),
            who_text(certificate.issued_by),
            when_text(certificate.issued_at),
            who_text(certificate.admitted_by),
            when_text(certificate.admitted_at),
        ]


def _certificates_ledger(school, start, end, shown) -> tuple[bytes, int]:
    rows = _certificate_rows(school, start, end, shown)
    return _write(school, KIND_CERTIFICATES, start, end, CERTIFICATE_HEADERS, rows)


# ---------------------------------------------------------------- 传染病疫情报告登记

EPIDEMIC_HEADERS = [
    "报告时间", "报告原因", "疾病", "病例数", "涉及班级", "报告时限", "是否按时", "报告人",
    "采取措施", "疾控中心确认人", "疾控中心确认时间", "教育局确认人", "教育局确认时间", "备注",
]  # fmt: skip


def _epidemic_rows(school, start, end, shown: _Shown) -> Iterator[list[Any]]:
    reports = (
        EpidemicReport.objects.filter(
            school=school, sent_at__date__gte=start, sent_at__date__lte=end
        )
        .select_related("sent_by")
        .prefetch_related(Prefetch("acks", queryset=_acks()))
        .order_by("sent_at", "pk")
    )
    for report in reports.iterator(chunk_size=CHUNK_SIZE):
        acks = {ack.receiver: ack for ack in report.acks.all()}
        cdc, education = acks.get(Receiver.CDC), acks.get(Receiver.EDUCATION)
        count, classes = content_cases(report.content or {})
        on_time = "" if report.due_at is None else yes_no(report.sent_at <= report.due_at)
        yield [
            when_text(report.sent_at),
            cause_label(report.cause),
            (report.content or {}).get("disease", ""),
            count,
            classes,
            when_text(report.due_at),
            on_time,
            who_text(report.sent_by),
            "、".join(ACTION_WORDS.get(a, str(a)) for a in report.actions or []),
            who_text(cdc.acknowledged_by) if cdc else "",
            when_text(cdc.acknowledged_at) if cdc else "",
            who_text(education.acknowledged_by) if education else "",
            when_text(education.acknowledged_at) if education else "",
            report.remarks,
        ]


def _acks():
    from shoumen.schools.models import EpidemicReportAck

    return EpidemicReportAck.objects.select_related("acknowledged_by")


def _epidemic_ledger(school, start, end, shown) -> tuple[bytes, int]:
    rows = _epidemic_rows(school, start, end, shown)
    return _write(school, KIND_EPIDEMIC_REPORTS, start, end, EPIDEMIC_HEADERS, rows)


_BUILDERS = {
    KIND_CHECKS: _checks_ledger,
    KIND_ABSENCES: _absences_ledger,
    KIND_CERTIFICATES: _certificates_ledger,
    KIND_EPIDEMIC_REPORTS: _epidemic_ledger,
}
