"""The health centre's indicators for an area and a year, as numerators and denominators:
numbers only, so that the area's officers and the CDC see them as the centre does.

An area is a set of grid path prefixes (a unit's subtree, or a team's grids) and, for a
team, the team its contracts and patients belong to. A year's figures stand as of its last
day, or as of today for the current year."""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.healthcentre.contract_selectors import contracts_active_on
from shoumen.healthcentre.elderly_rules import elderly_born_by
from shoumen.healthcentre.followup_counts import referral_follow_up_counts
from shoumen.healthcentre.models import (
    Contract,
    ContractStatus,
    Disease,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    Patient,
    PatientStatus,
)
from shoumen.healthcentre.patient_selectors import due_q, patients_managed_on
from shoumen.healthcentre.rules import is_controlled
from shoumen.lib.dates import age_on, today
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to, unit_by_code_or_id
from shoumen.registry.models import Person, Status

DISEASES: tuple[str, ...] = (Disease.HYPERTENSION, Disease.DIABETES)
# The units an indicator is asked for: a grid has too few residents to be a rate.
UNIT_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)

RATIO_LABELS = {
    "contract_rate": _("Contract rate"),
    "ht_management": _("Hypertension: standard management"),
    "dm_management": _("Diabetes: standard management"),
    "ht_control": _("Hypertension: control rate"),
    "dm_control": _("Diabetes: control rate"),
    "elderly": _("Elderly check coverage"),
    "referral": _("Referrals followed up in time"),
}
COUNT_LABELS = {
    "ht_patients": _("Hypertension patients"),
    "dm_patients": _("Diabetes patients"),
    "follow_ups": _("Follow-ups this year"),
    "overdue": _("Patients overdue"),
    "pending": _("Contracts awaiting the team"),
}


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """Per cent, to one decimal; None for nothing to divide by."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


@dataclass(frozen=True)
class Area:
    """Grid path prefixes and, for a team's row, the team."""

    paths: tuple[str, ...]
    team_id: int | None = None

    def q(self, path_field: str) -> Q:
        if not self.paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in self.paths))

    def team_q(self, team_field: str = "team_id") -> Q:
        return Q(**{team_field: self.team_id}) if self.team_id else Q()


@dataclass(frozen=True)
class Indicators:
    year: int
    day: datetime.date
    contract_rate: Ratio
    standard_management: dict[str, Ratio]
    control: dict[str, Ratio]
    elderly_check_coverage: Ratio
    referral_follow_up: Ratio
    patients: dict[str, int]
    follow_ups: int
    overdue_patients: int
    pending_contracts: int

    def ratios(self) -> list[tuple[str | Promise, Ratio]]:
        """Each rate with its label, in the board's order."""
        return [
            (RATIO_LABELS["contract_rate"], self.contract_rate),
            (RATIO_LABELS["ht_management"], self.standard_management[Disease.HYPERTENSION]),
            (RATIO_LABELS["dm_management"], self.standard_management[Disease.DIABETES]),
            (RATIO_LABELS["ht_control"], self.control[Disease.HYPERTENSION]),
            (RATIO_LABELS["dm_control"], self.control[Disease.DIABETES]),
            (RATIO_LABELS["elderly"], self.elderly_check_coverage),
            (RATIO_LABELS["referral"], self.referral_follow_up),
        ]

    def counts(self) -> list[tuple[str | Promise, int]]:
        return [
            (COUNT_LABELS["ht_patients"], self.patients[Disease.HYPERTENSION]),
            (COUNT_LABELS["dm_patients"], self.patients[Disease.DIABETES]),
            (COUNT_LABELS["follow_ups"], self.follow_ups),
            (COUNT_LABELS["overdue"], self.overdue_patients),
            (COUNT_LABELS["pending"], self.pending_contracts),
        ]

    def as_dict(self) -> dict:
        return {
            "contract_rate": self.contract_rate.as_dict(),
            "standard_management": {
                _key(d): r.as_dict() for d, r in self.standard_management.items()
            },
            "control": {_key(d): r.as_dict() for d, r in self.control.items()},
            "elderly_check_coverage": self.elderly_check_coverage.as_dict(),
            "referral_follow_up": self.referral_follow_up.as_dict(),
        }


def _key(disease: str) -> str:
    return "hypertension" if disease == Disease.HYPERTENSION else "diabetes"


def as_of(year: int, day: datetime.date | None = None) -> datetime.date:
    """The day a year's figures stand on: its last day, or today within it."""
    current = day or today()
    return min(current, datetime.date(year, 12, 31))


def indicator_units(user) -> QuerySet[OrgUnit]:
    """The district, streets and communities whose indicators ``user`` sees."""
    return org_units_visible_to(user, Perm.VIEW_HEALTH_INDICATORS).filter(level__in=UNIT_LEVELS)


def indicator_unit_for(user, value: str) -> OrgUnit:
    """The unit ``user`` names by code or id, in their reach; OrgUnit.DoesNotExist else."""
    return unit_by_code_or_id(indicator_units(user), value)


def unit_area(user, unit: OrgUnit) -> Area:
    """The area of ``unit`` if ``user`` sees its indicators; OrgUnit.DoesNotExist else."""
    if not covers(user, Perm.VIEW_HEALTH_INDICATORS, unit.path):
        raise OrgUnit.DoesNotExist
    return Area((unit.path,))


def indicators_for(user, unit: OrgUnit, year: int, *, day: datetime.date | None = None):
    """The indicators of ``unit`` for ``year``, scoped by VIEW_HEALTH_INDICATORS."""
    return area_indicators(unit_area(user, unit), year, day=day)


def area_indicators(area: Area, year: int, *, day: datetime.date | None = None) -> Indicators:
    on = as_of(year, day)
    management, patients = _standard_management(area, year, on)
    return Indicators(
        year=year,
        day=on,
        contract_rate=_contract_rate(area, on),
        standard_management=management,
        control=_control(area, year, on),
        elderly_check_coverage=_elderly_coverage(area, year),
        referral_follow_up=_referral_follow_up(area, year, on),
        patients=patients,
        follow_ups=FollowUp.objects.filter(
            _in_year(year, on), area.q("patient__grid__path"), area.team_q("patient__team_id")
        ).count(),
        overdue_patients=Patient.objects.filter(
            area.q("grid__path"),
            area.team_q(),
            due_q("overdue", on),
            status=PatientStatus.ACTIVE,
        ).count(),
        pending_contracts=Contract.objects.filter(
            area.q("grid__path"), area.team_q(), status=ContractStatus.PENDING
        ).count(),
    )


def _in_year(year: int, on: datetime.date, field: str = "date") -> Q:
    return Q(**{f"{field}__gte": datetime.date(year, 1, 1), f"{field}__lte": on})


def _residents(area: Area) -> QuerySet[Person]:
    return Person.objects.filter(area.q("grid__path"), status=Status.RESIDENT)


def _contract_rate(area: Area, on: datetime.date) -> Ratio:
    residents = _residents(area)
    signed = contracts_active_on(Contract.objects.filter(area.team_q(), person__in=residents), on)
    return Ratio(signed.values("person_id").distinct().count(), residents.count())


def _managed(area: Area, on: datetime.date) -> QuerySet[Patient]:
    """Patients under management on ``on``: registered by then, not ended before."""
    return patients_managed_on(Patient.objects.filter(area.q("grid__path"), area.team_q()), on)


def _standard_management(area: Area, year: int, on: datetime.date):
    """规范管理率 by disease, and the patients under management by disease."""
    wanted = settings.SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR
    rows = (
        _managed(area, on)
        .annotate(done=Count("follow_ups", filter=_in_year(year, on, "follow_ups__date")))
        .values_list("disease", "done")
        .order_by()
    )
    counts: dict[str, list[int]] = {d: [0, 0] for d in DISEASES}
    for disease, done in rows:
        if disease in counts:
            counts[disease][1] += 1
            counts[disease][0] += int(done >= wanted)
    return (
        {d: Ratio(n, total) for d, (n, total) in counts.items()},
        {d: total for d, (_n, total) in counts.items()},
    )


def _control(area: Area, year: int, on: datetime.date) -> dict[str, Ratio]:
    """Patients under management whose latest follow-up of the year reads on target (the
    disease's own measure: blood pressure or fasting glucose, whatever else its box says) ÷
    those of them followed up in the year."""
    latest = (
        FollowUp.objects.filter(_in_year(year, on), patient_id=OuterRef("pk"))
        .order_by("-date", "-recorded_at", "-pk")
        .values("pk")[:1]
    )
    last_ids = (
        _managed(area, on)
        .annotate(last=Subquery(latest))
        .filter(last__isnull=False)
        .values_list("last", flat=True)
        .order_by()
    )
    rows = FollowUp.objects.filter(pk__in=list(last_ids)).values_list(
        "patient__disease",
        "date",
        "systolic",
        "diastolic",
        "fasting_glucose",
        "patient__person__birth_date",
    )
    counts: dict[str, list[int]] = {d: [0, 0] for d in DISEASES}
    for disease, day, systolic, diastolic, glucose, born in rows:
        if disease in counts:
            counts[disease][1] += 1
            counts[disease][0] += is_controlled(
                disease=disease,
                age=None if born is None else age_on(born, day),
                systolic=systolic,
                diastolic=diastolic,
                fasting_glucose=glucose,
            )
    return {d: Ratio(n, total) for d, (n, total) in counts.items()}


def _elderly_coverage(area: Area, year: int) -> Ratio:
    elderly = _residents(area).filter(birth_date__lte=elderly_born_by(year))
    done = ElderlyCheck.objects.filter(
        year=year, status=ElderlyCheckStatus.DONE, person__in=elderly
    )
    return Ratio(done.values("person_id").distinct().count(), elderly.count())


def _referral_follow_up(area: Area, year: int, on: datetime.date) -> Ratio:
    """Referrals of the year followed up in time (see followup_counts) ÷ those followed up
    or whose check day has passed by ``on``."""
    referrals = FollowUp.objects.filter(
        area.q("patient__grid__path"),
        area.team_q("patient__team_id"),
        date__gte=datetime.date(year, 1, 1),
        date__lte=on,
    )
    return Ratio(*referral_follow_up_counts(referrals, on))
