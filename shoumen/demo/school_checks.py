"""Four weeks of the demo schools' days: the class checks of every school day (morning and
noon, evening for boarders), a winter background of illness absences (~0.7 % of pupils a day,
fever, cough, sore throat…) and personal leave (~0.5 %), a few pupils sent to the
observation room, every illness absence followed up daily until the pupil is back (with a
return-to-class certificate where the diagnosis needs one), the daily reports (most on time,
a few late, a couple missing), and two clusters that cross their thresholds in the last
week: varicella (rash and fever, diagnosed 水痘) in the first school and influenza-like
illness (38 °C or more with cough) in the second.

Written in bulk in the form the services store (``class_check_submit``,
``absence_follow_up_record``, ``certificate_issue``, ``return_admit``,
``daily_report_confirm``)."""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from shoumen.demo.rows import rows_create
from shoumen.schools.calendar import school_days, terms_of
from shoumen.schools.config import sessions_of
from shoumen.schools.daily_selectors import figures_from
from shoumen.schools.models import (
    Absence,
    AbsenceFollowUp,
    AbsenceStatus,
    ClassCheck,
    Course,
    DailyReport,
    Disease,
    Finding,
    FindingKind,
    Pupil,
    ReturnCertificate,
    School,
    SchoolClass,
    Session,
)

WEEKS_BACK = 28  # days of checks before the reference day
SICK_START = 0.003  # a pupil falls ill on a school day
SICK_DAYS = [(1, 30), (2, 30), (3, 24), (4, 10), (5, 6)]
LEAVE_SHARE = 0.005
SYMPTOMATIC_SHARE = 0.0006
WINTER_SYMPTOMS: list[tuple[tuple[str, ...], int]] = [
    (("fever",), 20),
    (("cough",), 15),
    (("sore_throat",), 10),
    (("cough", "sore_throat"), 10),
    (("fever", "sore_throat"), 7),
    (("fever", "cough"), 6),
    (("fever", "headache"), 5),
    (("headache",), 6),
    (("abdominal_pain",), 6),
    (("diarrhoea",), 4),
    (("vomiting", "abdominal_pain"), 3),
    (("fatigue",), 3),
    (("dizziness",), 3),
]
# What the doctor said: disease code (or ""), note as the guardian told it.
RESPIRATORY_DIAGNOSES = [
    ("common_cold", "普通感冒", 50),
    ("", "上呼吸道感染", 30),
    ("", "急性咽炎", 12),
]
GUT_DIAGNOSES = [("", "急性胃肠炎", 70), ("", "消化不良", 30)]
VARICELLA_CASES, ILI_CASES = 12, 15
CHECK_HOURS = {Session.MORNING: (7, 40), Session.NOON: (12, 40), Session.EVENING: (19, 30)}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _pick(rng: random.Random, weighted):
    return rng.choices([v[:-1] for v in weighted], weights=[v[-1] for v in weighted])[0]


@dataclass
class Episode:
    """One illness absence: the school days the pupil is away."""

    pupil: Pupil
    days: list[datetime.date]
    symptoms: list[str]
    onset: datetime.date
    saw_doctor: bool
    disease: str = ""
    note: str = ""
    temperature: Decimal | None = None
    # The day the pupil is back (None: still away on the reference day).
    back: datetime.date | None = None
    findings: list[Finding] = field(default_factory=list)


def _base(pupil: Pupil, d: datetime.date) -> dict:
    return {"pupil": pupil, "klass_id": pupil.klass_id, "school_id": pupil.school_id, "date": d}


class DemoSchoolChecks:
    def __init__(
        self, schools: list[School], *, pupils: list[Pupil], rng, day, now, staff: dict[int, int]
    ):
        self.schools, self.rng, self.day, self.now, self.staff = schools, rng, day, now, staff
        self.today = timezone.localdate(now)
        self.diseases = {d.code: d for d in Disease.objects.all()}
        terms = terms_of([s.pk for s in schools])
        start = day - datetime.timedelta(days=WEEKS_BACK - 1)
        self.days = {s.pk: school_days(s, start, day, terms=terms.get(s.pk)) for s in schools}
        # The days after the reference day, for pupils back after the four weeks.
        self.classes = list(
            SchoolClass.objects.filter(school__in=schools)
            .select_related("unit")
            .order_by("unit__path")
        )
        self.pupils: dict[int, list[Pupil]] = {}
        for pupil in sorted(pupils, key=lambda p: p.pk):
            self.pupils.setdefault(pupil.klass_id, []).append(pupil)
        self.first_class_id = self.classes[0].pk if self.classes else None
        self.days_classes: dict[int, list[SchoolClass]] = {}
        for klass in self.classes:
            self.days_classes.setdefault(klass.school_id, []).append(klass)
        self.school_units = {s.pk: s.unit_id for s in schools}
        self.class_units = {k.pk: k.unit_id for k in self.classes}

    # -- what happens to whom

    def _episodes(self) -> list[Episode]:
        rng = self.rng
        episodes = []
        clustered = self._cluster_pupils()
        for klass in self.classes:
            days = self.days[klass.school_id]
            for pupil in self.pupils.get(klass.pk, []):
                if pupil.pk in clustered:
                    continue
                i = 0
                while i < len(days):
                    if rng.random() < SICK_START:
                        length = _pick(rng, SICK_DAYS)[0]
                        episodes.append(self._background(pupil, days, i, length))
                        i += length + 1
                    else:
                        i += 1
        episodes += self._clusters(clustered)
        return episodes

    def _background(self, pupil: Pupil, days, i: int, length: int) -> Episode:
        rng = self.rng
        away = days[i : i + length]
        symptoms = list(_pick(rng, WINTER_SYMPTOMS)[0])
        ep = Episode(
            pupil=pupil,
            days=away,
            symptoms=symptoms,
            onset=away[0] - datetime.timedelta(days=rng.choice([0, 0, 1])),
            saw_doctor=rng.random() < 0.55,
            back=days[i + length] if i + length < len(days) else None,
        )
        if ep.saw_doctor:
            gut = {"diarrhoea", "vomiting", "abdominal_pain"} & set(symptoms)
            if "fever" in symptoms and rng.random() < 0.02:
                ep.disease, ep.note = "influenza", "流行性感冒"
            else:
                ep.disease, ep.note = _pick(rng, GUT_DIAGNOSES if gut else RESPIRATORY_DIAGNOSES)
        return ep

    def _cluster_pupils(self) -> dict[int, str]:
        """pupil id -> the cluster they fall ill in: varicella among the first school's
        second-grade classes, influenza-like illness among the second school's 初二."""
        chosen: dict[int, str] = {}
        for index, kind, count in ((0, "varicella", VARICELLA_CASES), (1, "ili", ILI_CASES)):
            if index >= len(self.schools):
                continue
            school = self.schools[index]
            grades = sorted({k.grade for k in self.classes if k.school_id == school.pk})
            grade = grades[1] if len(grades) > 1 else grades[0]
            pool = [
                p
                for k in self.classes
                if k.school_id == school.pk and k.grade == grade and k.pk != self.first_class_id
                for p in self.pupils.get(k.pk, [])
            ]
            for pupil in self.rng.sample(pool, min(count, len(pool))):
                chosen[pupil.pk] = kind
        return chosen

    def _clusters(self, clustered: dict[int, str]) -> list[Episode]:
        """The cases of the last week: first days spread over the last four school days that
        have had their morning check, each pupil away from then on."""
        rng = self.rng
        by_id = {p.pk: p for pupils in self.pupils.values() for p in pupils}
        episodes = []
        ili_seen = 0
        for pupil_id, kind in clustered.items():
            pupil = by_id[pupil_id]
            days = [
                d
                for d in self.days[pupil.school_id]
                if _at(d, *CHECK_HOURS[Session.MORNING]) <= self.now
            ][-4:]
            if not days:
                continue
            start = rng.randrange(len(days))
            away = days[start:]
            if kind == "varicella":
                ep = Episode(
                    pupil=pupil,
                    days=away,
                    symptoms=["rash", "fever"],
                    onset=away[0] - datetime.timedelta(days=rng.choice([0, 1])),
                    saw_doctor=True,
                    disease="varicella",
                    note="水痘",
                    temperature=Decimal(f"{rng.uniform(37.5, 38.6):.1f}"),
                )
            else:
                # Two confirmed by a test; the others told "influenza-like" or nothing yet.
                ili_seen += 1
                flu = ili_seen in (3, 8)
                saw_doctor = flu or rng.random() < 0.5
                ep = Episode(
                    pupil=pupil,
                    days=away,
                    symptoms=["fever", "cough"] + (["sore_throat"] if rng.random() < 0.5 else []),
                    onset=away[0] - datetime.timedelta(days=rng.choice([0, 0, 1])),
                    saw_doctor=saw_doctor,
                    disease="influenza" if flu else "",
                    note="流行性感冒" if flu else "流感样病例" if saw_doctor else "",
                    temperature=Decimal(f"{rng.uniform(38.0, 38.9):.1f}"),
                )
            episodes.append(ep)
        return episodes

    # -- the checks

    def load(self) -> dict[str, int]:
        rng = self.rng
        episodes = self._episodes()
        away: dict[tuple[int, datetime.date], list[tuple[Pupil, Episode]]] = {}
        for ep in sorted(episodes, key=lambda e: e.pupil.pk):
            for d in ep.days:
                away.setdefault((ep.pupil.klass_id, d), []).append((ep.pupil, ep))
        late_days, missing_days = self._irregular_days()
        checks: list[ClassCheck] = []
        findings: list[tuple[ClassCheck, Finding]] = []
        for klass in self.classes:
            teacher = self.staff.get(klass.unit_id)
            pupils = self.pupils.get(klass.pk, [])
            for d in self.days[klass.school_id]:
                sick = away.get((klass.pk, d), [])
                away_ids = {p.pk for p, _ in sick}
                leave = {
                    p: rng.random() < 0.7
                    for p in pupils
                    if rng.random() < LEAVE_SHARE and p.pk not in away_ids
                }
                for s_index, session in enumerate(sessions_of(klass)):
                    hour, minute = CHECK_HOURS[Session(session)]
                    at = _at(d, hour, minute) + datetime.timedelta(minutes=rng.randrange(50))
                    if at > self.now or (d == self.today and klass.pk == self.first_class_id):
                        continue
                    key = (klass.school_id, d)
                    if key in missing_days and klass.pk == missing_days[key] and s_index == 1:
                        continue
                    late = key in late_days and klass.pk == late_days[key] and s_index == 1
                    if late:
                        at = self._next_day(klass.school_id, d, 8, 20)
                        if at > self.now:
                            continue
                    check = ClassCheck(
                        client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        klass=klass,
                        school_id=klass.school_id,
                        date=d,
                        session=session,
                        enrolled=len(pupils),
                        present=len(pupils),
                        late=late,
                        submitted_by_id=teacher,
                        submitted_at=at,
                    )
                    for finding in self._findings(pupils, d, session, s_index, sick, leave):
                        findings.append((check, finding))
                        if finding.kind == FindingKind.SICK:
                            check.sick_absent += 1
                        elif finding.kind == FindingKind.PERSONAL:
                            check.personal_absent += 1
                        else:
                            check.symptomatic += 1
                    check.present = len(pupils) - check.sick_absent - check.personal_absent
                    checks.append(check)
        rows_create(ClassCheck, checks)
        for check, finding in findings:
            finding.check_record = check
        rows_create(Finding, [f for _, f in findings])
        absences = self._absences(episodes)
        reports = self._daily_reports(checks, [f for _, f in findings], late_days, missing_days)
        return {"class_checks": len(checks), "absences": absences, "daily_reports": reports}

    def _next_day(self, school_id: int, d: datetime.date, hour: int, minute: int):
        later = [x for x in self.days[school_id] if x > d]
        nxt = later[0] if later else d + datetime.timedelta(days=1)
        return _at(nxt, hour, minute) + datetime.timedelta(minutes=self.rng.randrange(40))

    def _findings(self, pupils, d, session, s_index, sick, leave) -> list[Finding]:
        """The class's findings at one check: its pupils away sick, on leave, and now and
        then one present with symptoms."""
        rng = self.rng
        found = []
        for pupil, ep in sick:
            known = ep.saw_doctor and (d > ep.days[0] or ep.disease == "varicella")
            finding = Finding(
                **_base(pupil, d),
                kind=FindingKind.SICK,
                symptoms=ep.symptoms,
                temperature=ep.temperature,
                onset_date=ep.onset,
                saw_doctor=ep.saw_doctor and known,
                disease=self.diseases.get(ep.disease) if known and ep.disease else None,
                diagnosis_note=ep.note if known else "",
            )
            ep.findings.append(finding)
            found.append(finding)
        for pupil, whole_day in leave.items():
            if whole_day or s_index == 0:
                found.append(Finding(**_base(pupil, d), kind=FindingKind.PERSONAL))
        if session != Session.EVENING and rng.random() < SYMPTOMATIC_SHARE * len(pupils):
            taken = {f.pupil.pk for f in found}
            pupil = rng.choice(pupils)
            if pupil.pk not in taken:
                symptoms = list(_pick(rng, WINTER_SYMPTOMS)[0])
                fever = "fever" in symptoms
                found.append(
                    Finding(
                        **_base(pupil, d),
                        kind=FindingKind.SYMPTOMATIC,
                        symptoms=symptoms,
                        temperature=Decimal(
                            f"{rng.uniform(37.3, 37.9) if fever else rng.uniform(36.3, 37.1):.1f}"
                        ),
                        onset_date=d,
                        to_observation_room=fever or rng.random() < 0.5,
                        guardian_notified=True,
                    )
                )
        return found

    def _irregular_days(self):
        """(school, day) -> the class whose noon check came in the next morning (the daily
        report confirmed late), and the couple of days whose report is missing because a
        class never checked at noon."""
        rng = self.rng
        past = [
            (s.pk, d)
            for s in self.schools[1:] or self.schools
            for d in self.days[s.pk]
            if d < self.today - datetime.timedelta(days=1)
        ]
        first_class: dict[int, list[int]] = {}
        for klass in self.classes:
            first_class.setdefault(klass.school_id, []).append(klass.pk)
        picked = rng.sample(past, min(len(past), max(2, len(past) // 25) + 2))
        missing = {key: rng.choice(first_class[key[0]]) for key in picked[:2]}
        late = {key: rng.choice(first_class[key[0]]) for key in picked[2:]}
        return late, missing

    # -- absences, follow-ups, certificates

    def _absences(self, episodes: list[Episode]) -> int:
        rng = self.rng
        rows, follow_ups, certificates, pending = [], [], [], []
        seq: dict[tuple[int, int], int] = {}
        codes = {s.pk: s.unit.code for s in self.schools}
        for ep in episodes:
            if not ep.findings:
                continue  # fell ill after the last check
            pupil = ep.pupil
            disease = self.diseases.get(ep.disease) if ep.saw_doctor and ep.disease else None
            needs_certificate = bool(disease and disease.certificate_required)
            back = ep.back if ep.back and _at(ep.back, 7, 30) <= self.now else None
            absence = Absence(
                pupil=pupil,
                klass_id=pupil.klass_id,
                school_id=pupil.school_id,
                opened_by_finding=ep.findings[0],
                first_day=ep.days[0],
                symptoms=ep.symptoms,
                onset_date=ep.onset,
                saw_doctor=ep.saw_doctor,
                disease=disease,
                diagnosis_note=ep.note if ep.saw_doctor else "",
                status=AbsenceStatus.RETURNED if back else AbsenceStatus.OPEN,
                returned_on=back,
            )
            rows.append(absence)
            doctor = self.staff.get(self._school_unit(pupil.school_id))
            followed = [d for d in ep.days if _at(d, 11) <= self.now]
            for n, d in enumerate(followed, start=1):
                last = n == len(followed) and back is not None
                follow_ups.append(
                    AbsenceFollowUp(
                        client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        absence=absence,
                        date=d,
                        reached=last or rng.random() < 0.93,
                        course=Course.RECOVERED
                        if last
                        else rng.choice([Course.BETTER, Course.SAME]),
                        disease=disease if n > 1 else None,
                        diagnosis_note=ep.note if n > 1 and ep.saw_doctor else "",
                        recorded_by_id=doctor,
                        recorded_at=_at(d, 9) + datetime.timedelta(minutes=rng.randrange(120)),
                    )
                )
            if needs_certificate and back is not None:
                key = (pupil.school_id, back.year)
                seq[key] = seq.get(key, 0) + 1
                issued = _at(back, 7, 20) + datetime.timedelta(minutes=rng.randrange(10))
                certificates.append(
                    ReturnCertificate(
                        absence=absence,
                        number=f"FK-{codes[pupil.school_id]}-{back.year}-{seq[key]:04d}",
                        hospital_certificate_checked=True,
                        issued_by_id=doctor,
                        issued_at=issued,
                        admitted_by_id=self.staff.get(self._class_unit(pupil.klass_id)),
                        admitted_at=issued + datetime.timedelta(minutes=15),
                    )
                )
            elif needs_certificate:
                pending.append(pupil.pk)
        rows_create(Absence, rows)
        rows_create(AbsenceFollowUp, follow_ups)
        ReturnCertificate.objects.bulk_create(certificates, batch_size=2000)
        Pupil.objects.filter(pk__in=pending).update(return_pending=True)
        return len(rows)

    def _school_unit(self, school_id: int) -> int:
        return self.school_units[school_id]

    def _class_unit(self, class_id: int) -> int:
        return self.class_units[class_id]

    # -- daily reports

    def _daily_reports(self, checks: list[ClassCheck], findings, late_days, missing_days) -> int:
        rng = self.rng
        by_day: dict[tuple[int, datetime.date], list[ClassCheck]] = {}
        for check in checks:
            by_day.setdefault((check.school_id, check.date), []).append(check)
        found: dict[tuple[int, datetime.date], list[Finding]] = {}
        for finding in findings:
            found.setdefault((finding.school_id, finding.date), []).append(finding)
        rows = []
        first_school = self.schools[0].pk if self.schools else None
        for school in self.schools:
            doctor = self.staff.get(school.unit_id)
            for d in self.days[school.pk]:
                key = (school.pk, d)
                if key in missing_days or (d == self.today and school.pk == first_school):
                    continue
                if key in late_days:
                    at = self._next_day(school.pk, d, 9, 0)
                elif rng.random() < 0.04:
                    at = _at(d, 16, 5) + datetime.timedelta(minutes=rng.randrange(150))
                else:
                    at = _at(d, 14, 45) + datetime.timedelta(minutes=rng.randrange(70))
                if at > self.now:
                    continue
                figures = figures_from(
                    len(self.days_classes[school.pk]),
                    by_day.get(key, []),
                    [(f.pupil.pk, f.kind, f.symptoms) for f in found.get(key, [])],
                )
                rows.append(
                    DailyReport(
                        school=school,
                        date=d,
                        nothing_found=not figures["sick_absent"] and not figures["symptomatic"],
                        figures=figures,
                        confirmed_by_id=doctor,
                        confirmed_at=at,
                        on_time=at <= _at(d, 16),
                    )
                )
        DailyReport.objects.bulk_create(rows, batch_size=2000)
        return len(rows)
