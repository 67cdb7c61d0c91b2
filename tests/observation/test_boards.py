import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.alerts.models import Alert, AlertStatus, Cause
from shoumen.alerts.rules import current_rules
from shoumen.alerts.services import alert_acknowledge, alert_raise
from shoumen.observation.boards import board_for, mark_missing, non_reporting, non_reporting_page
from shoumen.observation.health_reports import health_report_record
from shoumen.observation.models import Kind, ObservationStatus, Reason, Slot, Source
from shoumen.observation.services import observation_close, observation_start
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Relation
from shoumen.registry.services import person_register

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 11, 30, tzinfo=TZ)  # the morning slot is due (10:00)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _start(actor, person, kind=Kind.HOME_MONITORING, reason=Reason.OTHER, **values):
    if reason == Reason.CLOSE_CONTACT:
        values.setdefault("last_exposure_date", TODAY - datetime.timedelta(days=2))
    if reason == Reason.RISK_AREA:
        values.setdefault("risk_area", "某市某区")
        values.setdefault("arrival_date", TODAY - datetime.timedelta(days=1))
    return observation_start(actor=actor, person=person, kind=kind, reason=reason, **values)


def _report(actor, person, slot=Slot.MORNING, temperature="36.6", **symptoms):
    return health_report_record(
        actor=actor,
        person=person.pk,
        date=TODAY,
        slot=slot,
        temperature=Decimal(temperature),
        source=Source.WORKER_PHONE,
        client_uuid=uuid.uuid4(),
        **symptoms,
    )


@pytest.fixture
def observed(world):
    """单明 (G1) reported this morning, 曾丽 (G1) did not, 王刚 (G2) reported 38.6 °C with a
    cough (an ILI alert); 李强 in the other street is observed but never on these boards."""
    staff = world.admin_user
    shan = _start(staff, world.shan, Kind.HOME_ISOLATION, Reason.CLOSE_CONTACT)
    zeng = _start(staff, world.zeng, Kind.HOME_MONITORING, Reason.RISK_AREA)
    neighbour = _start(staff, world.neighbour, Kind.ROUTINE_MONITORING, Reason.OTHER)
    _start(staff, world.outsider_person, Kind.HOME_ISOLATION, Reason.CLOSE_CONTACT)
    _report(staff, world.shan)
    _report(staff, world.neighbour, temperature="38.6", cough=True)
    _report(staff, world.outsider_person)
    return {"shan": shan, "zeng": zeng, "neighbour": neighbour}


def test_reporting_rate_counts_reports_against_due_slots_per_grid(world, observed):
    board = board_for(world.community_staff, pk=world.community.pk)
    assert board.due == [Slot.MORNING]
    by_grid = {r.unit.code: (r.persons, r.expected, r.received) for r in board.rates}
    assert by_grid == {"G1": (2, 2, 1), "G2": (1, 1, 1)}
    assert (board.total_rate.expected, board.total_rate.received) == (3, 2)
    assert board.total_rate.percent == 66.7


def test_afternoon_doubles_the_expected_slots(world, observed):
    with time_machine.travel(NOW.replace(hour=16, minute=30), tick=False):
        _report(world.admin_user, world.shan, slot=Slot.AFTERNOON)
        board = board_for(world.community_staff, pk=world.community.pk)
    assert board.due == [Slot.MORNING, Slot.AFTERNOON]
    assert (board.total_rate.expected, board.total_rate.received) == (6, 3)
    rows = mark_missing(board.non_reporting, board.day, board.due)
    missing = {o.person.name: (o.has_am, o.has_pm) for o in rows}
    assert missing == {"曾丽": (False, False), "王刚": (True, False)}


def test_before_the_first_deadline_nothing_is_due(world, observed):
    with time_machine.travel(NOW.replace(hour=9), tick=False):
        board = board_for(world.community_staff, pk=world.community.pk)
    assert board.due == []
    assert board.total_rate.expected == 0
    assert board.total_rate.percent is None
    assert list(board.non_reporting) == []


def test_non_reporting_lists_who_has_no_report_for_a_due_slot(world, observed):
    board = board_for(world.community_staff, pk=world.community.pk)
    assert [o.person.name for o in board.non_reporting] == ["曾丽"]


def test_a_person_observed_under_two_kinds_is_listed_and_counted_once(world, observed):
    _start(world.admin_user, world.zeng, Kind.ROUTINE_MONITORING, Reason.OTHER)
    board = board_for(world.community_staff, pk=world.community.pk)
    assert [o.person.name for o in board.non_reporting] == ["曾丽"]
    assert board.total_rate.persons == 3


def test_ended_observations_expect_no_report(world, observed):
    observation_close(
        actor=world.admin_user,
        observation=observed["zeng"],
        status=ObservationStatus.HOSPITALISED,
        reason="送医院观察",
    )
    board = board_for(world.community_staff, pk=world.community.pk)
    assert list(board.non_reporting) == []
    assert (board.total_rate.expected, board.total_rate.received) == (2, 2)


def test_counts_by_kind_reason_and_status_match_a_hand_count(world, observed):
    observation_close(
        actor=world.admin_user,
        observation=observed["zeng"],
        status=ObservationStatus.CANCELLED,
        reason="信息有误",
    )
    board = board_for(world.community_staff, pk=world.community.pk)
    kinds = {key: (by_status, total) for key, _, by_status, total in board.by_kind.rows}
    assert kinds[Kind.HOME_ISOLATION][0]["active"] == 1
    assert kinds[Kind.HOME_MONITORING][0]["cancelled"] == 1
    assert kinds[Kind.ROUTINE_MONITORING][1] == 1
    assert kinds[Kind.CENTRAL_ISOLATION][1] == 0
    reasons = {key: total for key, _, _, total in board.by_reason.rows}
    assert reasons == {
        Reason.RISK_AREA: 1,
        Reason.CLOSE_CONTACT: 1,
        Reason.SECONDARY_CONTACT: 0,
        Reason.FEVER_CLINIC: 0,
        Reason.OTHER: 1,
    }
    assert board.by_kind.total == board.by_reason.total == 3
    assert board.by_kind.totals["active"] == 2


def test_observations_ended_long_ago_leave_the_board(world, observed):
    observation_close(
        actor=world.admin_user,
        observation=observed["zeng"],
        status=ObservationStatus.CANCELLED,
        reason="信息有误",
    )
    with time_machine.travel(NOW + datetime.timedelta(days=31), tick=False):
        board = board_for(world.community_staff, pk=world.community.pk)
    assert board.by_kind.totals.get("cancelled") == 0


def test_alerts_by_age_and_owner_match_a_hand_count(world, observed):
    # The ILI alert of 王刚 was raised now; a fever of 单明 10 hours ago, acknowledged; a
    # red flag of 曾丽 30 hours ago, now overdue.
    alert_raise(
        person=world.shan,
        cause=Cause.FEVER,
        details={},
        observation=observed["shan"],
        now=NOW - datetime.timedelta(hours=10),
    )
    alert_acknowledge(actor=world.grid_worker, alert=Alert.objects.get(cause=Cause.FEVER))
    alert_raise(
        person=world.zeng,
        cause=Cause.RED_FLAG,
        details={},
        observation=observed["zeng"],
        now=NOW - datetime.timedelta(hours=30),
    )
    Alert.objects.create(  # resolved: not on the board
        person=world.zeng,
        grid=world.grid_a,
        cause=Cause.ILI,
        status=AlertStatus.RESOLVED,
        outcome="recovered",
        opened_at=NOW,
        due_at=NOW,
        last_seen_at=NOW,
    )
    board = board_for(world.community_staff, pk=world.community.pk)
    rows = {r.cause: r.buckets for r in board.alerts_by_age if r.total}
    assert rows == {
        Cause.ILI: [1, 0, 0, 0],
        Cause.FEVER: [0, 0, 1, 0],
        Cause.RED_FLAG: [0, 0, 0, 1],
    }
    assert board.age_totals == [1, 0, 1, 1]
    owners = {r.name: (r.open, r.acknowledged, r.overdue) for r in board.alerts_by_owner}
    assert owners == {"grid_worker": (1, 1, 1), "neighbour_worker": (1, 0, 0)}


def test_street_board_adds_up_its_communities(world, observed):
    board = board_for(world.street_officer, pk=world.street.pk)
    assert {r.unit.code: (r.persons, r.received) for r in board.community_rates} == {
        "C1": (3, 2),
        "C2": (0, 0),
    }
    assert board.total_rate.persons == 3  # 李强 lives in the other street


def test_board_pages_are_for_communities_and_streets_in_scope(world, observed, client):
    client.force_login(world.community_staff)
    assert client.get(reverse("boards:board", args=[world.community.pk])).status_code == 200
    assert client.get(reverse("boards:board", args=[world.grid_a.pk])).status_code == 404
    assert client.get(reverse("boards:board", args=[world.street.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("boards:board", args=[world.community.pk])).status_code == 404


def test_board_page_shows_masked_names_and_links_to_the_person(world, observed, client):
    client.force_login(world.community_staff)
    response = client.get(reverse("boards:board", args=[world.community.pk]))
    html = response.content.decode()
    assert "曾*" in html
    assert "曾丽" not in html
    assert reverse("registry:person", args=[world.zeng.pk]) in html


def test_board_headings_say_reports_due_and_alerts_open_in_their_own_words(world, observed, client):
    client.force_login(world.community_staff)
    html = client.get(reverse("boards:board", args=[world.community.pk])).content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        due = translation.pgettext("number of reports expected so far", "Due")
        open_ = translation.pgettext("alert status", "Open")
    assert f'<th class="text-end">{due}</th>' in html
    assert f'<th class="text-end">{open_}</th>' in html


def _more_observed(world, n):
    household = world.household_a
    for i in range(n):
        person = person_register(
            actor=world.admin_user,
            household=household,
            name=f"单{'甲乙丙丁戊己庚辛'[i]}",
            sex="M",
            birth_date=datetime.date(1990, 1, 1),
            document_type="none",
            relation_to_head=Relation.CHILD,
        )
        _start(world.admin_user, person, Kind.HOME_ISOLATION, Reason.CLOSE_CONTACT)
        if i % 2:
            _report(world.admin_user, person, temperature="37.8")


def _board_queries(world, django_assert_num_queries, count):
    current_rules()  # the rules row exists in any running system
    user, pk = world.community_staff, world.community.pk
    with django_assert_num_queries(count) as ctx:
        board = board_for(user, pk=pk)
        list(board.non_reporting)
    return board, ctx


def test_board_query_count_does_not_grow_with_the_population(
    world, observed, django_assert_num_queries
):
    # unit, assignments, grids, rules, kinds, persons and reports per grid, alerts by age
    # and by owner, non-reporting
    _board_queries(world, django_assert_num_queries, 10)
    _more_observed(world, 6)
    board, _ = _board_queries(world, django_assert_num_queries, 10)
    assert board.total_rate.persons == 9
    assert len(list(board.non_reporting)) == 4  # 曾丽 and the three without a report


def test_board_page_query_count_is_pinned(world, observed, client, django_assert_max_num_queries):
    client.force_login(world.community_staff)
    url = reverse("boards:board", args=[world.community.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    _more_observed(world, 6)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_non_reporting_for_no_due_slot_is_empty(world, observed):
    grid_ids = list(OrgUnit.objects.filter(code__in=["G1", "G2"]).values_list("pk", flat=True))
    assert list(non_reporting(grid_ids, TODAY, [])) == []


def test_the_non_reporting_list_pages_in_grid_and_name_order_with_its_full_count(world, observed):
    _more_observed(world, 6)  # 单甲, 单丙 and 单戊 have no report
    board = board_for(world.community_staff, pk=world.community.pk)
    first, second = non_reporting_page(board, 1, 2), non_reporting_page(board, 2, 2)
    assert first.paginator.count == 4
    # All four in one grid, so in name order.
    assert [o.person.name for o in [*first, *second]] == ["单丙", "单戊", "单甲", "曾丽"]
    assert all(o.has_am is False for o in [*first, *second])
