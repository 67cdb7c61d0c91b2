"""The small world's activity on one day (``DAY``), seen from noon the next day, for each
module's figures; each fixture's docstring is its hand count."""

import uuid
from decimal import Decimal

import pytest
import time_machine

from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.checkpoints.models import Checkpoint, Direction, Scan, Verdict, VerdictReason, Visitor
from shoumen.observation.models import Kind, ObservationStatus, Slot, Source
from shoumen.registry.household_services import household_create
from shoumen.registry.models import Person
from shoumen.schools.models import Session
from shoumen.screening.models import Outcome as VisitOutcome
from shoumen.screening.models import RoundStatus, VisitTask
from shoumen.screening.services import round_create, visit_record
from tests.metrics.helpers import DAY, GRIDS, NEXT, at, days, observation, report
from tests.schools.daily_helpers import check


@pytest.fixture(autouse=True)
def next_day():
    with time_machine.travel(at(NEXT, 12), tick=False):
        yield


@pytest.fixture
def observed(world):
    """G1: 单明 isolated at home and monitored at home (two kinds, one person), lost to
    routine monitoring at 15:00; 曾丽 registered at 10:00, counted from the day before;
    单小宝's central isolation ends that day and completes at 17:00. G2: 王刚 sent to
    hospital at 08:00 from routine monitoring, and his home isolation transferred at 11:00 to
    G3, which takes it over. G4: 李强 registered only the next morning."""
    g1, g2, g3, g4 = (world.unit(code) for code in GRIDS)
    shan, zeng, neighbour, outsider = world.shan, world.zeng, world.neighbour, world.outsider_person
    child = Person.objects.get(name="单小宝")
    long = {"starts_on": DAY - days(3), "ends_on": DAY + days(10)}
    observation(shan, g1, Kind.HOME_ISOLATION, registered=at(DAY - days(2), 9), **long)
    observation(shan, g1, Kind.HOME_MONITORING, registered=at(DAY - days(1), 9), **long)
    observation(
        shan,
        g1,
        Kind.ROUTINE_MONITORING,
        registered=at(DAY - days(4), 9),
        **long,
        status=ObservationStatus.LOST,
        changed=at(DAY, 15),
    )
    observation(
        zeng,
        g1,
        Kind.HOME_MONITORING,
        registered=at(DAY, 10),
        starts_on=DAY - days(1),
        ends_on=DAY + days(12),
    )
    observation(
        child,
        g1,
        Kind.CENTRAL_ISOLATION,
        registered=at(DAY - days(13), 9),
        starts_on=DAY - days(13),
        ends_on=DAY,
        status=ObservationStatus.COMPLETED,
        changed=at(DAY, 17),
    )
    observation(
        neighbour,
        g2,
        Kind.ROUTINE_MONITORING,
        registered=at(DAY - days(3), 9),
        **long,
        status=ObservationStatus.HOSPITALISED,
        changed=at(DAY, 8),
    )
    sent = observation(
        neighbour,
        g2,
        Kind.HOME_ISOLATION,
        registered=at(DAY - days(1), 9),
        **long,
        status=ObservationStatus.TRANSFERRED,
        changed=at(DAY, 11),
    )
    observation(
        neighbour, g3, Kind.HOME_ISOLATION, registered=at(DAY, 11), **long, transferred_from=sent
    )
    observation(
        outsider,
        g4,
        Kind.HOME_MONITORING,
        registered=at(NEXT, 9),
        starts_on=DAY - days(1),
        ends_on=DAY + days(12),
    )
    # The day's reports: 曾丽's morning call got no answer; 李强's report is not a follow-up
    # (he was not yet registered); yesterday's report is another day.
    report(shan, g1, Slot.MORNING, temperature="36.5")
    report(shan, g1, Slot.AFTERNOON, temperature="37.5")
    report(zeng, g1, Slot.MORNING, source=Source.WORKER_PHONE, reached=False)
    report(child, g1, Slot.MORNING, temperature="38.2", cough=True)
    report(child, g1, Slot.AFTERNOON, temperature="36.8", fever=True, short_of_breath=True)
    report(neighbour, g3, Slot.MORNING, temperature="38.5")
    report(outsider, g4, Slot.MORNING, temperature="36.6", short_of_breath=True)
    report(shan, g1, Slot.MORNING, day=DAY - days(1), temperature="39.0")
    return world


def alert(grid, cause, opened, due, *, acknowledged=None, resolved=None):
    return Alert.objects.create(
        grid=grid,
        cause=cause,
        opened_at=opened,
        due_at=due,
        last_seen_at=opened,
        status=AlertStatus.RESOLVED
        if resolved
        else AlertStatus.ACKNOWLEDGED
        if acknowledged
        else AlertStatus.OPEN,
        acknowledged_at=acknowledged,
        resolved_at=resolved,
        outcome=Outcome.RECOVERED if resolved else "",
    )


@pytest.fixture
def alerts(world):
    """G1: a fever alert resolved within the day, an ILI alert left open past its deadline,
    a lost-contact alert from the day before resolved only the next morning; G2: a
    non-reporting alert acknowledged before its deadline; G4: a red flag at 23:00 due at
    midnight; a school alert on a class, which no grid counts."""
    g1, g2, _g3, g4 = (world.unit(code) for code in GRIDS)
    alert(g1, Cause.FEVER, at(DAY, 9), at(DAY, 11), resolved=at(DAY, 12))
    alert(g1, Cause.ILI, at(DAY, 10), at(DAY, 12))
    alert(g2, Cause.NON_REPORTING, at(DAY, 11), at(DAY, 13), acknowledged=at(DAY, 12))
    alert(g1, Cause.LOST_CONTACT, at(DAY - days(1), 8), at(DAY - days(1), 12), resolved=at(NEXT, 9))
    alert(g4, Cause.RED_FLAG, at(DAY, 23), at(NEXT, 0))
    alert(world.unit("K1"), Cause.SCHOOL_ILI, at(DAY, 9), at(DAY, 11))
    return world


@pytest.fixture
def visited(world):
    """Rounds of both streets created the day before: G1 has three households, G2 one, G4 one.
    G1: the first found nobody home at 10:00 and visited at 15:00; the second visited at
    9:00 and found nobody home the next morning; the third visited only the next morning.
    G2: never visited. G4: refused the day before. A closed round counts nothing."""
    admin = world.admin_user
    for door in ("401", "402"):
        household_create(
            actor=admin, grid=world.grid_a, building=world.building_a, unit="3", door_number=door
        )
    with time_machine.travel(at(DAY - days(1), 8), tick=False):
        span = {"starts_on": DAY - days(1), "ends_on": NEXT}
        round_ = round_create(actor=admin, scope=world.street, name="街道走访", **span)
        other = round_create(actor=admin, scope=world.other_street, name="和平走访", **span)
        closed = round_create(actor=admin, scope=world.street, name="上一轮", **span)
    closed.status = RoundStatus.CLOSED
    closed.save()
    tasks = VisitTask.objects.filter(round=round_)
    a0, a1, a2 = tasks.filter(grid=world.grid_a).order_by("pk")
    g4 = VisitTask.objects.get(round=other)

    def visit(task, outcome, when):
        visit_record(
            actor=admin,
            task=task,
            client_uuid=uuid.uuid4(),
            outcome=outcome,
            method="in_person",
            answers={},
            visited_at=when,
        )

    with time_machine.travel(at(NEXT, 12), tick=False):
        visit(g4, VisitOutcome.REFUSED, at(DAY - days(1), 10))
        visit(a1, VisitOutcome.VISITED, at(DAY, 9))
        visit(a0, VisitOutcome.NOBODY_HOME, at(DAY, 10))
        visit(a0, VisitOutcome.VISITED, at(DAY, 15))
        visit(a2, VisitOutcome.VISITED, at(NEXT, 9))
        visit(a1, VisitOutcome.NOBODY_HOME, at(NEXT, 10))
    return world


def scan(checkpoint, direction, verdict=Verdict.ALLOW, reason=VerdictReason.OK, *, day=DAY):
    when = at(day, 10)
    Scan.objects.create(
        checkpoint=checkpoint,
        day=day,
        scanned_at=when,
        direction=direction,
        verdict=verdict,
        reason=reason,
        client_uuid=uuid.uuid4(),
        received_at=when,
    )


def visitor(checkpoint, arrived, temperature=None):
    Visitor.objects.create(
        checkpoint=checkpoint,
        name="访客",
        phone_encrypted=b"-",
        phone_last4="0000",
        visiting="5号楼",
        reason="探亲",
        temperature=Decimal(temperature) if temperature else None,
        arrived_at=arrived,
        client_uuid=uuid.uuid4(),
    )


@pytest.fixture
def posts(world):
    """C1's two gates: two entries and an exit let through, a resident stopped for fever and
    one for a revoked pass, an entry the day before; two visitors, one at 37.5 °C. C3's gate:
    one entry, and a visitor the day before."""
    north = Checkpoint.objects.create(community=world.community, name="北门")
    south = Checkpoint.objects.create(community=world.community, name="南门")
    peace = Checkpoint.objects.create(community=world.unit("C3"), name="东门")
    scan(north, Direction.IN)
    scan(south, Direction.IN, Verdict.WARN, VerdictReason.EXPIRING)
    scan(north, Direction.OUT)
    scan(north, Direction.IN, Verdict.DENY, VerdictReason.FEVER)
    scan(south, Direction.OUT, Verdict.DENY, VerdictReason.REVOKED)
    scan(north, Direction.IN, day=DAY - days(1))
    scan(peace, Direction.IN)
    visitor(north, at(DAY, 10), "37.5")
    visitor(south, at(DAY, 23, 30), "36.5")
    visitor(peace, at(DAY - days(1), 23, 30), "38.0")
    return world


@pytest.fixture
def checked(world):
    """SCH1: class K1 (3 pupils) checks morning and noon — 张小明 absent sick, 李小红 coughing
    in the morning and again at noon with 王小刚; K2 (1 pupil) all well in the morning.
    SCH2: K3 (1 pupil) absent sick. The day before, 王小刚 was absent sick."""
    k1, k2, k3 = (world.school_class(code) for code in ("K1", "K2", "K3"))
    ming, hong, gang = (world.pupil(n) for n in ("张小明", "李小红", "王小刚"))
    check(k1, DAY, Session.MORNING, sick=[(ming, ["fever"])], symptomatic=[(hong, ["cough"])])
    check(k1, DAY, Session.NOON, symptomatic=[(hong, ["cough"]), (gang, ["fever"])])
    check(k2, DAY, Session.MORNING)
    check(k3, DAY, Session.MORNING, sick=[(world.pupil("陈小军"), ["diarrhoea"])])
    check(k1, DAY - days(1), Session.MORNING, sick=[(gang, ["fever"])])
    return world
