"""The school rules → school alerts, evaluated set-based for many schools at once.

- class: ≥ ``class_cases_one_day`` pupils with the same symptom on one school day, or more
  than ``class_cases_three_days`` within the last three school days (卫办疾控发〔2006〕65号);
- school ILI (T ≥ 38 °C with cough or sore throat): ≥ ``ili_school_week`` pupils within
  seven days; ≥ ``ili_emergency_week``, or ≥ ``ili_hospitalised_week`` in hospital, is
  the emergency level (流感样病例暴发疫情处置指南 2018);
- each disease with thresholds: cases in a school or a class within its window;
- a notifiable disease case (class A, B or C): at once;
- a pupil with an unexplained high fever.

Each pupil counts once a day (once in a window). An alert hangs on the class or school
unit, owned by the school's health officer, due by the rule's hours. A rule that still
holds updates its open alert only when its figures changed; once handled, the same episode
(an alert opened since the window began) is not raised again, so evaluating again with
nothing new writes nothing."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.alerts.models import OPEN_STATUSES, SCHOOL_CAUSES, Alert, Cause
from shoumen.alerts.services import alert_raise_for_unit
from shoumen.places.models import OrgUnit
from shoumen.schools import outbreak_queries as q
from shoumen.schools.calendar import terms_of
from shoumen.schools.config import current_rules
from shoumen.schools.models import Disease, School, SchoolRules

NOTIFIABLE = (Disease.Category.A, Disease.Category.B, Disease.Category.C)
ILI_WINDOW_DAYS = 7
KEY_CLUSTER = "cluster"
KEY_ILI = "ili"


@dataclass
class Hit:
    unit_id: int  # the class's unit for a class's hit (see ``klass_id``), else the school's
    klass_id: int | None
    school_unit_id: int
    cause: str
    key: str
    since: datetime.date
    due_hours: int
    details: dict = field(default_factory=dict)


@dataclass
class Evaluation:
    day: datetime.date
    rules: SchoolRules
    school_units: dict[int, int]  # school id → unit id
    hits: list[Hit] = field(default_factory=list)

    def hit(self, *, school_id, cause, key, since, due_hours, pupils, klass_id=None, **details):
        """A rule holds on a school, or on one of its classes (``klass_id``)."""
        pupils = sorted(set(pupils))
        self.hits.append(
            Hit(
                unit_id=self.school_units[school_id],
                klass_id=klass_id,
                school_unit_id=self.school_units[school_id],
                cause=cause,
                key=key,
                since=since,
                due_hours=int(due_hours),
                details={
                    **details,
                    "count": len(pupils),
                    "pupils": pupils,
                    "since": since.isoformat(),
                    "date": self.day.isoformat(),
                    "due_hours": int(due_hours),
                },
            )
        )


def _class_rules(ev: Evaluation, cases, windows: dict[int, list[datetime.date]]) -> None:
    """Similar symptoms in one class: on one school day, or over the last three."""
    rules = ev.rules
    # class → symptom → day → pupils
    seen: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for case in cases.values():
        if case.date in windows.get(case.school_id, ()):
            for symptom in case.symptoms:
                seen[(case.school_id, case.klass_id)][symptom][case.date].add(case.pupil_id)
    for (school_id, klass_id), symptoms in seen.items():
        window = windows[school_id]
        crossed: dict[str, set] = {}
        rule, since = "", ev.day
        for symptom, days in symptoms.items():
            for day, pupils in days.items():
                if len(pupils) >= rules.class_cases_one_day:
                    crossed.setdefault(symptom, set()).update(pupils)
                    rule, since = "one_day", min(since, day)
            over = set().union(*days.values())
            if len(over) > rules.class_cases_three_days:
                crossed.setdefault(symptom, set()).update(over)
                rule = rule or "three_days"
                since = min(since, window[0])
        if not crossed:
            continue
        one_day = rule == "one_day"
        ev.hit(
            klass_id=klass_id,
            school_id=school_id,
            cause=Cause.SCHOOL_CLASS_CLUSTER,
            key=KEY_CLUSTER,
            since=since,
            due_hours=rules.cluster_due_hours,
            pupils=set().union(*crossed.values()),
            symptoms=sorted(crossed),
            rule=rule,
            threshold=rules.class_cases_one_day if one_day else rules.class_cases_three_days + 1,
            window_days=1 if one_day else len(window),
        )


def _ili_rules(ev: Evaluation, cases, hospitalised: set) -> None:
    rules = ev.rules
    since = ev.day - datetime.timedelta(days=ILI_WINDOW_DAYS - 1)
    ili: dict[int, set] = defaultdict(set)
    for case in cases.values():
        if case.date >= since and case.is_ili(rules.ili_temperature):
            ili[case.school_id].add(case.pupil_id)
    for school_id, pupils in ili.items():
        in_hospital = len(pupils & hospitalised)
        figures = {"symptoms": ["fever", "cough", "sore_throat"], "window_days": ILI_WINDOW_DAYS}
        if len(pupils) >= rules.ili_emergency_week or in_hospital >= rules.ili_hospitalised_week:
            ev.hit(
                school_id=school_id,
                cause=Cause.SCHOOL_ILI_EMERGENCY,
                key=KEY_ILI,
                since=since,
                due_hours=rules.emergency_due_hours,
                pupils=pupils,
                threshold=rules.ili_emergency_week,
                hospitalised=in_hospital,
                **figures,
            )
        if len(pupils) >= rules.ili_school_week:
            ev.hit(
                school_id=school_id,
                cause=Cause.SCHOOL_ILI,
                key=KEY_ILI,
                since=since,
                due_hours=rules.ili_due_hours,
                pupils=pupils,
                threshold=rules.ili_school_week,
                **figures,
            )


def _disease_rules(ev: Evaluation, diseases: dict[int, Disease], diagnosed) -> None:
    """Each disease's thresholds per school and per class, and each notifiable case."""
    school_cases: dict = defaultdict(set)
    class_cases: dict = defaultdict(set)
    first_seen: dict = {}
    for disease_id, pupil_id, klass_id, school_id, day in diagnosed:
        disease = diseases[disease_id]
        start = ev.day - datetime.timedelta(days=disease.window_days - 1)
        if not start <= day <= ev.day:
            continue
        school_cases[(disease_id, school_id)].add(pupil_id)
        class_cases[(disease_id, school_id, klass_id)].add(pupil_id)
        key = (disease_id, school_id, klass_id, pupil_id)
        first_seen[key] = min(first_seen.get(key, day), day)
    for (disease_id, school_id), pupils in school_cases.items():
        disease = diseases[disease_id]
        since = ev.day - datetime.timedelta(days=disease.window_days - 1)
        figures = {
            "disease": disease.code,
            "disease_name": disease.name,
            "window_days": disease.window_days,
        }
        for cause, threshold in (
            (Cause.SCHOOL_DISEASE_OUTBREAK, disease.school_outbreak_threshold),
            (Cause.SCHOOL_DISEASE, disease.school_threshold),
        ):
            if threshold and len(pupils) >= threshold:
                ev.hit(
                    school_id=school_id,
                    cause=cause,
                    key=disease.code,
                    since=since,
                    due_hours=disease.report_within_hours,
                    pupils=pupils,
                    threshold=threshold,
                    **figures,
                )
    for (disease_id, school_id, klass_id), pupils in class_cases.items():
        disease = diseases[disease_id]
        if disease.class_threshold and len(pupils) >= disease.class_threshold:
            ev.hit(
                klass_id=klass_id,
                school_id=school_id,
                cause=Cause.SCHOOL_DISEASE,
                key=disease.code,
                since=ev.day - datetime.timedelta(days=disease.window_days - 1),
                due_hours=disease.report_within_hours,
                pupils=pupils,
                threshold=disease.class_threshold,
                disease=disease.code,
                disease_name=disease.name,
                window_days=disease.window_days,
            )
    for (disease_id, school_id, klass_id, pupil_id), day in first_seen.items():
        disease = diseases[disease_id]
        if disease.category in NOTIFIABLE:
            ev.hit(
                klass_id=klass_id,
                school_id=school_id,
                cause=Cause.SCHOOL_NOTIFIABLE_CASE,
                key=f"{disease.code}:{pupil_id}",
                since=day,
                due_hours=disease.report_within_hours,
                pupils=[pupil_id],
                disease=disease.code,
                disease_name=disease.name,
                category=disease.category,
            )


def _high_fever_rule(ev: Evaluation, cases, windows) -> None:
    """A pupil with a high fever and no diagnosis, on one of the last school days."""
    first: dict = {}
    for case in cases.values():
        if (
            case.date in windows.get(case.school_id, ())
            and case.temperature is not None
            and case.temperature >= ev.rules.high_fever_temperature
            and case.disease_id is None
        ):
            key = (case.school_id, case.klass_id, case.pupil_id)
            if key not in first or case.date < first[key][0]:
                first[key] = (case.date, case.temperature)
    for (school_id, klass_id, pupil_id), (day, temperature) in first.items():
        ev.hit(
            klass_id=klass_id,
            school_id=school_id,
            cause=Cause.SCHOOL_HIGH_FEVER,
            key=f"pupil:{pupil_id}",
            since=day,
            due_hours=ev.rules.cluster_due_hours,
            pupils=[pupil_id],
            temperature=str(temperature),
        )


def _raise(ev: Evaluation, now: datetime.datetime) -> tuple[int, int]:
    """Open the new alerts, update the open ones whose figures changed; skip the episodes
    already handled (an alert of the same unit, cause and key opened since)."""
    if not ev.hits:
        return 0, 0
    since = min(h.since for h in ev.hits)
    since_at = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    unit_ids = {h.unit_id for h in ev.hits}
    known: dict = defaultdict(list)
    for grid_id, cause, key, status, opened_at, details in Alert.objects.filter(
        Q(status__in=OPEN_STATUSES) | Q(opened_at__gte=since_at),
        person__isnull=True,
        cause__in=sorted(SCHOOL_CAUSES),
        grid_id__in=unit_ids,
    ).values_list("grid_id", "cause", "key", "status", "opened_at", "details"):
        known[(grid_id, cause, key)].append((status, opened_at, details))
    owners = q.health_officers({h.school_unit_id for h in ev.hits})
    users = User.objects.in_bulk(list(set(owners.values())))
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    opened = updated = 0
    for hit in ev.hits:
        episode_start = timezone.make_aware(datetime.datetime.combine(hit.since, datetime.time()))
        found = known.get((hit.unit_id, hit.cause, hit.key), [])
        open_one = next((f for f in found if f[0] in OPEN_STATUSES), None)
        if open_one is not None:
            if open_one[2] == hit.details:
                continue
        elif any(opened_at >= episode_start for _, opened_at, _ in found):
            continue
        _, created = alert_raise_for_unit(
            unit=units[hit.unit_id],
            cause=hit.cause,
            key=hit.key,
            details=hit.details,
            owner=users.get(owners.get(hit.school_unit_id, 0)),
            due_minutes=hit.due_hours * 60,
            now=now,
        )
        opened, updated = opened + created, updated + (not created)
    return opened, updated


def school_rules_evaluate(*, school_ids=None, now: datetime.datetime | None = None) -> dict:
    """Evaluate every school rule for the schools given (all when None) as of ``now``;
    returns the counts of alerts opened and updated."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    rules = current_rules()
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    school_units = dict(schools.values_list("pk", "unit_id"))
    ids = sorted(school_units)
    if not ids:
        return {"schools": 0, "opened": 0, "updated": 0}
    terms = terms_of(ids)
    windows = {sid: q.last_school_days(terms.get(sid), day, 3) for sid in ids}
    earliest = min(
        [day - datetime.timedelta(days=ILI_WINDOW_DAYS - 1)] + [w[0] for w in windows.values() if w]
    )
    ev = Evaluation(day=day, rules=rules, school_units=school_units)
    cases = q.cases_between(ids, earliest, day)
    _class_rules(ev, cases, windows)
    ili_since = day - datetime.timedelta(days=ILI_WINDOW_DAYS - 1)
    _ili_rules(ev, cases, q.hospitalised_between(ids, ili_since, day))
    _high_fever_rule(ev, cases, windows)
    diseases = Disease.objects.in_bulk()
    if diseases:
        longest = max(d.window_days for d in diseases.values())
        start = day - datetime.timedelta(days=max(longest, 1) - 1)
        _disease_rules(ev, diseases, q.diagnosed_between(ids, start, day))
    class_unit = q.class_units({h.klass_id for h in ev.hits if h.klass_id is not None})
    for hit in ev.hits:
        if hit.klass_id is not None:
            hit.unit_id = class_unit[hit.klass_id]
    opened, updated = _raise(ev, now)
    return {"schools": len(ids), "opened": opened, "updated": updated, "hits": len(ev.hits)}
