"""What the school rules count, read set-based for many schools at once: the cases of the
last days (sick absentees and pupils present with symptoms, one row per pupil and day),
the diagnoses of findings and absences, and who owns each school's alerts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.schools.calendar import in_term, is_working_day
from shoumen.schools.models import (
    Absence,
    AbsenceFollowUp,
    Course,
    Finding,
    FindingKind,
    SchoolClass,
)
from shoumen.schools.symptoms import ILI_RESPIRATORY

CASE_KINDS = (FindingKind.SICK, FindingKind.SYMPTOMATIC)
# How far back the three school days of the class rule may reach over a long holiday.
LOOKBACK_DAYS = 21


@dataclass
class Case:
    """One pupil on one day: every finding of that day merged (morning and noon)."""

    pupil_id: int
    klass_id: int
    school_id: int
    date: datetime.date
    symptoms: set[str] = field(default_factory=set)
    temperature: Decimal | None = None
    disease_id: int | None = None

    def add(self, symptoms, temperature, disease_id) -> None:
        self.symptoms.update(symptoms or [])
        if temperature is not None and (self.temperature is None or temperature > self.temperature):
            self.temperature = temperature
        if disease_id is not None:
            self.disease_id = disease_id

    def is_ili(self, ili_temperature: Decimal) -> bool:
        """T ≥ the ILI threshold (or a fever told without a reading) with cough or sore
        throat: from a symptomatic pupil's reading or a sick absentee's symptoms."""
        feverish = (
            self.temperature >= ili_temperature
            if self.temperature is not None
            else "fever" in self.symptoms
        )
        return feverish and any(s in self.symptoms for s in ILI_RESPIRATORY)


def last_school_days(
    terms: list[tuple[datetime.date, datetime.date]] | None, day: datetime.date, count: int
) -> list[datetime.date]:
    """The last ``count`` school days up to ``day`` (included), oldest first."""
    found: list[datetime.date] = []
    probe = day
    while len(found) < count and (day - probe).days <= LOOKBACK_DAYS:
        if is_working_day(probe) and in_term(terms, probe):
            found.append(probe)
        probe -= datetime.timedelta(days=1)
    return sorted(found)


def cases_between(
    school_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], Case]:
    """(pupil, day) → the pupil's case of that day, from the findings of the schools."""
    rows = Finding.objects.filter(
        school_id__in=school_ids, date__gte=start, date__lte=end, kind__in=CASE_KINDS
    ).values_list(
        "pupil_id", "klass_id", "school_id", "date", "symptoms", "temperature", "disease_id"
    )
    cases: dict[tuple[int, datetime.date], Case] = {}
    for pupil_id, klass_id, school_id, day, symptoms, temperature, disease_id in rows.iterator(
        chunk_size=5000
    ):
        case = cases.get((pupil_id, day))
        if case is None:
            case = cases[(pupil_id, day)] = Case(pupil_id, klass_id, school_id, day)
        case.add(symptoms, temperature, disease_id)
    return cases


def diagnosed_between(
    school_ids: list[int], start: datetime.date, end: datetime.date
) -> list[tuple[int, int, int, int, datetime.date]]:
    """(disease, pupil, class, school, day) of every diagnosis told at a check or found at
    an absence's follow-up, dated by the check, or the onset, or the first day absent."""
    found = list(
        Finding.objects.filter(
            school_id__in=school_ids, date__gte=start, date__lte=end, disease__isnull=False
        ).values_list("disease_id", "pupil_id", "klass_id", "school_id", "date")
    )
    for disease_id, pupil_id, klass_id, school_id, onset, first_day in Absence.objects.filter(
        # The onset comes before the first day absent: an absence begun before ``start``
        # has its case before it too.
        school_id__in=school_ids,
        first_day__gte=start,
        first_day__lte=end,
        disease__isnull=False,
    ).values_list("disease_id", "pupil_id", "klass_id", "school_id", "onset_date", "first_day"):
        day = onset or first_day
        if start <= day <= end:
            found.append((disease_id, pupil_id, klass_id, school_id, day))
    return found


def hospitalised_between(school_ids: list[int], start: datetime.date, end: datetime.date) -> set:
    """Pupils whose absence's follow-up found them in hospital within the days."""
    return set(
        AbsenceFollowUp.objects.filter(
            absence__school_id__in=school_ids,
            date__gte=start,
            date__lte=end,
            course=Course.IN_HOSPITAL,
        ).values_list("absence__pupil_id", flat=True)
    )


def class_units(class_ids) -> dict[int, int]:
    """Class id → its org unit id."""
    return dict(SchoolClass.objects.filter(pk__in=list(class_ids)).values_list("pk", "unit_id"))


def health_officers(unit_ids) -> dict[int, int]:
    """School unit id → the user id of its health officer (the earliest assigned)."""
    found: dict[int, int] = {}
    rows = (
        RoleAssignment.objects.filter(
            role=Role.SCHOOL_HEALTH_OFFICER, org_unit_id__in=list(unit_ids), user__is_active=True
        )
        .order_by("created_at", "pk")
        .values_list("org_unit_id", "user_id")
    )
    for unit_id, user_id in rows:
        found.setdefault(unit_id, user_id)
    return found


def by_key(items, key) -> dict:
    grouped: dict = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped
