"""The demo district: a realistic, deterministic jurisdiction with buildings, households and
residents, plus one login per role.

Everything random comes from one ``random.Random(seed)``: the same seed and reference day
give the same names, ID numbers, phones and dates. The load is idempotent: when the district
with code ``DEMO_DISTRICT_CODE`` exists, nothing is generated again (see ``demo_load``).

Persons are written in bulk (``bulk_create``, or ``COPY`` on PostgreSQL) in exactly the form
the registry services store: encrypted ID and phone, blind indexes, last 4 characters and
the pinyin search text.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from shoumen.alerts.models import Alert
from shoumen.audit.services import audit_event_record
from shoumen.demo.checkpoints import demo_checkpoint_counts, demo_checkpoints_load
from shoumen.demo.daily_reports import demo_daily_reports_load
from shoumen.demo.duty import demo_duty_counts, demo_duty_load
from shoumen.demo.duty_rosters import solve_seconds_of
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.healthcentre import demo_healthcentre_counts, demo_healthcentre_load
from shoumen.demo.observations import DemoObservations
from shoumen.demo.plan import (
    BATCH_PERSONS,
    DEFAULT_SEED,
    DEMO_DISTRICT_CODE,
    SIZES,
    DemoSize,
    org_units_plan,
)
from shoumen.demo.schools import DemoSchools, demo_school_counts, demo_school_units
from shoumen.demo.services import demo_services_counts, demo_services_load
from shoumen.demo.supplies import demo_supplies_counts, demo_supplies_load
from shoumen.demo.supplies_campaigns import (
    demo_supplies_campaigns_counts,
    demo_supplies_campaigns_load,
)
from shoumen.demo.users import DemoLogin, demo_users_ensure
from shoumen.demo.volunteers import demo_volunteers_counts, demo_volunteers_load
from shoumen.demo.writing import _CopyWriter, _OrmWriter
from shoumen.lib.dates import today
from shoumen.observation.models import HealthReport, Observation
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Building, Household, Person
from shoumen.reports.models import DailyFigure, DailyReport
from shoumen.reports.services import figures_fill


@dataclass
class DemoResult:
    district: OrgUnit
    generated: bool  # False when the demo district was already there
    counts: dict[str, int]
    logins: list[DemoLogin]


ProgressCallback = Callable[[int, int], None]


def demo_district() -> OrgUnit | None:
    return OrgUnit.objects.filter(code=DEMO_DISTRICT_CODE).first()


def demo_counts(district: OrgUnit) -> dict[str, int]:
    under = {"grid__path__startswith": district.path}
    units = OrgUnit.objects.filter(path__startswith=district.path)
    return {
        "streets": units.filter(level=Level.STREET).count(),
        "communities": units.filter(level=Level.COMMUNITY).count(),
        "grids": units.filter(level=Level.GRID).count(),
        "buildings": Building.objects.filter(**under).count(),
        "households": Household.objects.filter(**under).count(),
        "persons": Person.objects.filter(**under).count(),
        "observations": Observation.objects.filter(**under).count(),
        "health_reports": HealthReport.objects.filter(**under).count(),
        **demo_checkpoint_counts(district),
        **demo_school_counts(district),
        "figure_days": _figure_days(district),
        "unit_reports": DailyReport.objects.filter(unit__path__startswith=district.path).count(),
        **_community_work_counts(district),
    }


def _community_work_counts(district: OrgUnit) -> dict[str, int]:
    """Duty, volunteers, supplies, campaigns, services and the health centre of the
    district, and its alerts (the low-stock and urgent referral alerts among them)."""
    return {
        "alerts": Alert.objects.filter(grid__path__startswith=district.path).count(),
        **demo_duty_counts(district),
        **demo_volunteers_counts(district),
        **demo_supplies_counts(district),
        **demo_supplies_campaigns_counts(district),
        **demo_services_counts(district),
        **demo_healthcentre_counts(district),
    }


def _create_org_units(size: DemoSize) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for plan in org_units_plan(size):
        fields = {"code": plan.code, "name": plan.name, "level": plan.level}
        if plan.parent_code is None:
            units[plan.code] = OrgUnit.objects.add_root(create_kwargs=fields)
        else:
            parent = units[plan.parent_code]
            units[plan.code] = OrgUnit.objects.add_child(parent, create_kwargs=fields)
    return units


def _generate(
    size: DemoSize, *, seed: int, day: datetime.date, on_progress: ProgressCallback | None
) -> tuple[OrgUnit, dict[str, int]]:
    units = _create_org_units(size)
    district = units[DEMO_DISTRICT_CODE]
    writer = _CopyWriter() if connection.vendor == "postgresql" else _OrmWriter()
    for code, buildings in DemoGenerator(seed=seed, day=day).grids(size):
        writer.add(units[code], buildings)
        if writer.pending_persons >= BATCH_PERSONS:
            writer.flush()
            if on_progress:
                on_progress(writer.counts["persons"], size.persons)
    writer.flush()
    writer.finish(district)
    if on_progress:
        on_progress(writer.counts["persons"], size.persons)
    levels = [u.level for u in units.values()]
    counts = {
        "streets": levels.count(Level.STREET),
        "communities": levels.count(Level.COMMUNITY),
        "grids": levels.count(Level.GRID),
        **writer.counts,
    }
    return district, counts


# The boards' longest period: every chart has its curve on first open.
FIGURE_DAYS = 30


def _figures_fill_past(day: datetime.date) -> None:
    """The daily figures of the days before ``day``, as the nightly job would have filled."""
    for back in range(FIGURE_DAYS, 0, -1):
        figures_fill(day=day - datetime.timedelta(days=back))


def _figure_days(district: OrgUnit) -> int:
    return DailyFigure.objects.filter(unit=district).values("date").distinct().count()


def demo_load(
    *,
    size: str = "medium",
    seed: int = DEFAULT_SEED,
    password: str,
    day: datetime.date | None = None,
    on_progress: ProgressCallback | None = None,
) -> DemoResult:
    """Build the demo district and its logins, or reuse them when they exist.

    Idempotent: when the district with code ``DEMO_DISTRICT_CODE`` exists, no unit, building,
    household or person is generated again (whatever ``size`` and ``seed`` say); only missing
    demo logins are added. One audit event ``demo.load`` records what was created.
    """
    spec = SIZES[size]
    with transaction.atomic():
        district = demo_district()
        generated = district is None
        if district is None:
            district, counts = _generate(
                spec, seed=seed, day=day or today(), on_progress=on_progress
            )
            demo_school_units(size)
        else:
            counts = demo_counts(district)
        logins = demo_users_ensure(password)
        if generated:
            counts |= DemoObservations(district, seed=seed, day=day or today()).load()
            counts |= demo_checkpoints_load(district, day=day or today())
            counts |= DemoSchools(district, size=size, seed=seed, day=day or today()).load()
            _figures_fill_past(day or today())
            counts["figure_days"] = _figure_days(district)
            counts |= demo_daily_reports_load(district, day=day or today(), seed=seed)
            counts |= demo_duty_load(
                district, day=day or today(), seed=seed, solve_seconds=solve_seconds_of(size)
            )
            demo_volunteers_load(district, day=day or today(), seed=seed)
            demo_supplies_load(district, day=day or today(), seed=seed)
            demo_supplies_campaigns_load(district, day=day or today(), seed=seed)
            demo_services_load(district, day=day or today(), seed=seed)
            demo_healthcentre_load(district, day=day or today(), seed=seed, password=password)
            # Counted once all are in: each part adds to what the ones before counted.
            counts |= _community_work_counts(district)
        new_users = [login.username for login in logins if login.created]
        if generated or new_users:
            audit_event_record(
                actor=None,
                actor_label="demo",
                action="demo.load",
                target=district,
                org_path=district.path,
                changes={
                    "size": size if generated else None,
                    "seed": seed if generated else None,
                    "created": counts if generated else {},
                    "users": new_users,
                },
            )
    if generated and connection.vendor == "postgresql":
        # Fresh statistics, so that the planner knows the new rows from the first query, and
        # (outside a transaction) a visibility map, so that index-only scans work at once.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{command} places_orgunit, registry_building, registry_household, registry_person,"
                " schools_pupil, schools_classcheck, schools_finding, schools_absence"
            )
    return DemoResult(district=district, generated=generated, counts=counts, logins=logins)
