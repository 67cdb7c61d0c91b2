"""The centre board's reads: a unit's indicators for a year, a row for each unit under it
and each team working there, and the year's months (follow-ups, control rate, contracts in
force) for its charts and their tables. Numbers only, under VIEW_HEALTH_INDICATORS."""

import datetime
from dataclasses import dataclass

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.healthcentre.contract_selectors import contracts_active_on
from shoumen.healthcentre.indicators import (
    DISEASES,
    Area,
    Indicators,
    Ratio,
    area_indicators,
    as_of,
    indicator_units,
    unit_area,
)
from shoumen.healthcentre.models import Classification, Contract, Disease, FollowUp, Team
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import ancestors_of, unit_by_code_or_id


@dataclass(frozen=True)
class Row:
    name: str
    indicators: Indicators
    unit: OrgUnit | None = None


@dataclass(frozen=True)
class Month:
    month: int
    follow_ups: dict[str, int]
    control: dict[str, Ratio]
    contracts: int

    @property
    def ht_follow_ups(self) -> int:
        return self.follow_ups[Disease.HYPERTENSION]

    @property
    def dm_follow_ups(self) -> int:
        return self.follow_ups[Disease.DIABETES]

    @property
    def controls(self) -> list[Ratio]:
        return [self.control[d] for d in DISEASES]


@dataclass(frozen=True)
class Board:
    unit: OrgUnit
    year: int
    total: Indicators
    units: list[Row]
    teams: list[Row]
    months: list[Month]
    # The units above it whose board the actor may open.
    ancestors: list[OrgUnit]

    def chart_data(self) -> dict:
        return {
            "months": [f"{m.month}" for m in self.months],
            "follow_ups": {d: [m.follow_ups[d] for m in self.months] for d in DISEASES},
            "control": {d: [m.control[d].rate for m in self.months] for d in DISEASES},
            "contracts": [m.contracts for m in self.months],
        }


def board_unit(user, value: str | None) -> OrgUnit:
    """The unit asked for by code or id, else the top of the actor's reach;
    OrgUnit.DoesNotExist when out of reach or the actor sees no indicators."""
    units = indicator_units(user)
    if value:
        return unit_by_code_or_id(units, value)
    top = units.order_by("depth", "path").first()
    if top is None:
        raise OrgUnit.DoesNotExist
    return top


def board_years(day: datetime.date | None = None) -> list[int]:
    current = (day or today()).year
    return list(range(current, current - 5, -1))


def board_for(user, unit: OrgUnit, year: int, *, day: datetime.date | None = None) -> Board:
    area = unit_area(user, unit)
    on = as_of(year, day)
    children = OrgUnit.objects.filter(
        path__startswith=unit.path,
        depth=unit.depth + 1,
        level__in=(Level.STREET, Level.COMMUNITY, Level.GRID),
    ).order_by("path")
    return Board(
        unit=unit,
        year=year,
        total=area_indicators(area, year, day=on),
        units=[Row(c.name, area_indicators(Area((c.path,)), year, day=on), c) for c in children],
        teams=[Row(t.name, area_indicators(a, year, day=on)) for t, a in _teams_at(unit)],
        months=_months(area, year, on),
        ancestors=[
            a for a in ancestors_of(unit) if covers(user, Perm.VIEW_HEALTH_INDICATORS, a.path)
        ],
    )


def _teams_at(unit: OrgUnit) -> list[tuple[Team, Area]]:
    """The active teams serving grids under ``unit``, each with its grids there."""
    teams = (
        Team.objects.filter(active=True, grids__path__startswith=unit.path)
        .distinct()
        .prefetch_related("grids")
        .order_by("centre_id", "name", "pk")
    )
    found = []
    for team in teams:
        paths = tuple(g.path for g in team.grids.all() if g.path.startswith(unit.path))
        found.append((team, Area(paths, team.pk)))
    return found


def _month_ends(year: int, on: datetime.date) -> list[datetime.date]:
    ends = []
    for month in range(1, on.month + 1 if on.year == year else 13):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        ends.append(min(following - datetime.timedelta(days=1), on))
    return ends


def _months(area: Area, year: int, on: datetime.date) -> list[Month]:
    """Each month of the year up to ``on``: follow-ups by disease, the control rate of the
    patients followed up that month (their latest follow-up in it), and contracts in force
    at its end. A query for the follow-ups and one a month for the contracts."""
    ends = _month_ends(year, on)
    if not ends:
        return []
    rows = (
        FollowUp.objects.filter(
            area.q("patient__grid__path"),
            area.team_q("patient__team_id"),
            date__gte=datetime.date(year, 1, 1),
            date__lte=on,
        )
        .order_by("date", "recorded_at", "pk")
        .values_list("patient_id", "patient__disease", "date", "classification")
    )
    done = {(m, d): 0 for m in range(1, 13) for d in DISEASES}
    latest: dict[tuple[int, int], tuple[str, str]] = {}
    for patient_id, disease, date, classification in rows:
        if disease in DISEASES:
            done[(date.month, disease)] += 1
            latest[(date.month, patient_id)] = (disease, classification)
    control = {(m, d): [0, 0] for m in range(1, 13) for d in DISEASES}
    for (month, _patient), (disease, classification) in latest.items():
        control[(month, disease)][1] += 1
        control[(month, disease)][0] += int(classification == Classification.SATISFACTORY)
    contracts = Contract.objects.filter(area.q("grid__path"), area.team_q())
    in_force = [contracts_active_on(contracts, end).count() for end in ends]
    return [
        Month(
            month=i,
            follow_ups={d: done[(i, d)] for d in DISEASES},
            control={d: Ratio(*control[(i, d)]) for d in DISEASES},
            contracts=in_force[i - 1],
        )
        for i in range(1, len(ends) + 1)
    ]
