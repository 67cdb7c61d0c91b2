"""The trends boards of communities, streets and districts: the stored daily figures of the
units under the board's unit over 7, 14 or 30 days, six charts with their tables, scoped
as the figures are.

Past days' figures are made here by hand (rows of DailyFigure, every level as a fill
stores them); today is computed live from the persona world's own rows."""

import datetime
import json
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shoumen.lib.metrics import registered_metrics
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.boards import DEFAULT_DAYS, period_days
from shoumen.reports.models import DailyFigure, DailyReport

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
NOON = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
FEVER = "alerts.fever_reports"
ILI = "alerts.ili_reports"
HOME_ISOLATION = "observation.under_home_isolation"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def at_noon(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(NOON, tick=False), translation.override("en"):
        yield


def put(world, figures: dict[tuple[str, int, str], float]) -> None:
    """Stored figures as a fill leaves them: each grid's value and its sums up the tree
    (community, street, district), by (grid code, days ago, metric)."""
    sums: dict[tuple[int, datetime.date, str], float] = {}
    for (code, days, metric), value in figures.items():
        grid = world.unit(code)
        ancestors = [grid.path[: i * grid.steplen] for i in range(1, grid.depth + 1)]
        for path in ancestors:
            key = (path, ago(days), metric)
            sums[key] = sums.get(key, 0.0) + value
    by_path = {u.path: u for u in type(world.grid_a).objects.all()}
    DailyFigure.objects.bulk_create(
        DailyFigure(unit=by_path[path], date=day, metric=metric, value=value)
        for (path, day, metric), value in sums.items()
    )


def board_url(world, code: str, days: str | int | None = None) -> str:
    url = reverse("reports:board", args=[world.unit(code).pk])
    return url if days is None else f"{url}?days={days}"


def row_of(board, metric: str):
    return next(r for r in board.metric_rows if r.metric.name == metric)


class _Tables(HTMLParser):
    """The page's tables by data-testid (each a list of rows of cell texts), its links, and
    its json_script."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self.scripts: dict[str, str] = {}
        self.metric_rows: dict[str, list[str]] = {}
        self._metric: str | None = None
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("data-testid") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
            self._metric = a.get("data-metric")
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "script" and a.get("type") == "application/json":
            self._script = a.get("id")
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            if self._metric:
                self.metric_rows[self._metric] = self._row
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script:
            self.scripts[self._script] += data


def parsed(response) -> _Tables:
    page = _Tables()
    page.feed(response.content.decode())
    return page


def test_community_board_shows_the_stored_figures_of_its_grids(world, login, client):
    put(world, {("G1", 1, FEVER): 3, ("G2", 2, FEVER): 2, ("G1", 3, ILI): 1})
    login(world.community_staff)

    response = client.get(board_url(world, "C1"))

    assert response.status_code == 200
    board = response.context["board"]
    assert [c.unit.code for c in board.columns] == ["G1", "G2"]
    fever = row_of(board, FEVER)
    assert (fever.cells, fever.total) == ([3, 2], 5)
    assert (row_of(board, ILI).cells, row_of(board, ILI).total) == ([1, 0], 1)
    assert parsed(response).metric_rows[FEVER][1:] == ["3", "2", "5"]


def test_totals_are_the_sum_of_the_sub_units(world, login, client):
    put(
        world,
        {
            ("G1", 1, FEVER): 4,
            ("G2", 1, FEVER): 1,
            ("G3", 5, FEVER): 2,
            ("G4", 2, FEVER): 7,
            ("G3", 4, "alerts.opened"): 3,
        },
    )
    login(world.district_officer)

    street = client.get(board_url(world, "S1")).context["board"]
    district = client.get(board_url(world, "D1")).context["board"]

    # The street's school is a column too: it holds no residents' figures.
    assert [c.unit.code for c in street.columns] == ["C1", "C2", "SCH1"]
    assert (row_of(street, FEVER).cells, row_of(street, FEVER).total) == ([5, 2, None], 7)
    assert [c.unit.code for c in district.columns] == ["S1", "S2"]
    assert (row_of(district, FEVER).cells, row_of(district, FEVER).total) == ([7, 7], 14)
    for board in (street, district):
        for row in board.metric_rows:
            assert row.total == sum(v or 0 for v in row.cells), row.metric.name


def test_a_stock_shows_its_last_days_value_not_the_sum(world, login, client):
    put(world, {("G1", 3, HOME_ISOLATION): 4, ("G1", 1, HOME_ISOLATION): 2})
    # Today, computed live: 单明 under home isolation since this morning.
    observation_start(
        actor=world.community_staff,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.OTHER,
    )
    login(world.community_staff)

    board = client.get(board_url(world, "C1")).context["board"]

    row = row_of(board, HOME_ISOLATION)
    assert row.stock
    assert (row.cells, row.total) == ([1, 0], 1)
    observed = board.chart("observed")
    assert observed.series(0)[-4:] == [4, 0, 2, 1]


def test_stocks_are_persons_under_observation_or_care_households_due_what_is_overdue_or_low():
    stocks = {m.name for m in registered_metrics() if m.stock}
    assert stocks == {
        "observation.under_home_isolation",
        "observation.under_central_isolation",
        "observation.under_home_monitoring",
        "observation.under_routine_monitoring",
        "screening.households_due",
        "alerts.overdue",
        "services.requests_overdue",
        "supplies.low_stock",
        "health.contracts_active",
        "health.hypertension_patients",
        "health.diabetes_patients",
    }


def test_community_checkpoints_are_read_for_the_community_itself(world, login, client):
    DailyFigure.objects.create(
        unit=world.community, date=ago(1), metric="checkpoints.fevers", value=2
    )
    login(world.community_staff)

    board = client.get(board_url(world, "C1")).context["board"]

    row = row_of(board, "checkpoints.fevers")
    assert (row.cells, row.total) == ([None, None], 2)
    assert row.texts == ["—", "—"]


def test_sub_unit_names_link_to_their_own_boards(world, login, client):
    login(world.district_officer)
    pk = {code: world.unit(code).pk for code in ("S1", "S2", "C1", "C2", "G1", "G2")}

    district = parsed(client.get(board_url(world, "D1", 14)))
    street = parsed(client.get(board_url(world, "S1")))
    community = parsed(client.get(board_url(world, "C1")))

    assert f"/reports/boards/{pk['S1']}/?days=14" in district.links
    assert f"/reports/boards/{pk['S2']}/?days=14" in district.links
    # The default period (7 days) needs no query.
    assert f"/reports/boards/{pk['C1']}/" in street.links
    assert f"/reports/boards/{pk['C2']}/" in street.links
    # The community's grids: the last step down.
    assert f"/reports/boards/{pk['G1']}/" in community.links
    assert f"/reports/boards/{pk['G2']}/" in community.links
    # A school has no trends board: its name is plain text.
    assert not any(f"/reports/boards/{world.unit('SCH1').pk}/" in h for h in street.links)


def test_the_period_picker_changes_the_days(world, login, client):
    put(world, {("G1", 10, FEVER): 6})
    login(world.community_staff)

    week = client.get(board_url(world, "C1"))
    fortnight = client.get(board_url(world, "C1", 14))

    assert len(week.context["board"].days) == 7
    assert row_of(week.context["board"], FEVER).total == 0
    assert fortnight.context["board"].days[0] == ago(13)
    assert row_of(fortnight.context["board"], FEVER).total == 6
    html = fortnight.content.decode()
    assert 'href="?days=14" aria-current="page"' in html
    assert f'href="{board_url(world, "C1")}" data-testid="period-7"' in html
    assert html.count('aria-current="page"') == 2  # the breadcrumb's and the period's


@pytest.mark.parametrize("raw", ["abc", "8", "-7", "", "30.0", "99999999999999999999"])
def test_an_invalid_period_falls_back_to_seven_days(world, login, client, raw):
    login(world.community_staff)

    response = client.get(board_url(world, "C1", raw))

    assert response.status_code == 200
    assert len(response.context["board"].days) == DEFAULT_DAYS
    assert period_days(raw) == DEFAULT_DAYS


def test_thirty_days_is_a_period(world):
    assert period_days("30") == 30
    assert period_days(None) == DEFAULT_DAYS


def test_a_period_without_figures_says_so_instead_of_empty_axes(world, login, client):
    login(world.community_staff)

    response = client.get(board_url(world, "C1"))

    html = response.content.decode()
    assert 'data-testid="board-empty"' in html
    data = json.loads(parsed(response).scripts["reports-board-data"])
    for key in ("epidemic", "observed", "follow_ups", "alerts", "screening"):
        assert key not in data["charts"]
        assert f'data-chart="{key}"' not in html
    assert html.count('data-testid="chart-empty"') == 5


def test_figures_of_the_period_leave_the_empty_state(world, login, client):
    put(world, {("G1", 1, FEVER): 1})
    login(world.community_staff)

    html = client.get(board_url(world, "C1")).content.decode()

    assert 'data-testid="board-empty"' not in html
    assert 'data-chart="epidemic"' in html


def test_the_charts_and_their_tables_carry_the_same_numbers(world, login, client):
    put(
        world,
        {
            ("G1", 1, FEVER): 3,
            ("G2", 1, FEVER): 1,
            ("G1", 1, ILI): 2,
            ("G1", 2, "observation.under_home_monitoring"): 5,
            ("G1", 2, "observation.follow_ups_due"): 10,
            ("G1", 2, "observation.follow_ups_done"): 7,
            ("G2", 3, "alerts.opened"): 2,
            ("G2", 2, "alerts.resolved"): 1,
            ("G2", 2, "alerts.overdue"): 1,
            ("G1", 4, "screening.households_visited"): 8,
            ("G1", 4, "screening.households_due"): 12,
        },
    )
    DailyReport.objects.create(
        unit=world.community,
        date=ago(2),
        figures={},
        zero=True,
        confirmed_at=NOON - datetime.timedelta(days=2),
        on_time=True,
    )
    login(world.community_staff)

    response = client.get(board_url(world, "C1"))

    page = parsed(response)
    data = json.loads(page.scripts["reports-board-data"])
    assert set(data["charts"]) == {
        "epidemic",
        "observed",
        "follow_ups",
        "alerts",
        "screening",
        "reporting",
    }
    days = data["days"]
    assert len(days) == 7
    for key, chart in data["charts"].items():
        table = page.tables[f"table-{key}"]
        header, body = table[0], table[1 : 1 + len(days)]
        assert header[1:] == [s["name"] for s in chart["series"]]
        for i, series in enumerate(chart["series"]):
            shown = [row[1 + i] for row in body]
            assert shown == ["—" if v is None else str(v) for v in series["data"]], key
    epidemic = {s["name"]: s["data"] for s in data["charts"]["epidemic"]["series"]}
    assert epidemic["光华第一网格"][-2] == 3
    assert epidemic["Of which influenza-like"][-2] == 2
    follow_ups = data["charts"]["follow_ups"]["series"]
    assert follow_ups[2]["data"][-3] == 70.0
    screening = data["charts"]["screening"]["series"]
    assert screening[1]["data"][-4:] == [8, 8, 8, 8]  # visited since the period began
    reporting = {s["name"]: s["data"] for s in data["charts"]["reporting"]["series"]}
    # Six days past their deadline at noon, C1 the one community; one report, on time.
    assert reporting["Expected"] == [1, 1, 1, 1, 1, 1, 0]
    assert reporting["Confirmed"] == [0, 0, 0, 0, 1, 0, 0]
    assert reporting["Reporting rate (%)"][-3] == 100.0


def test_the_epidemic_curve_stacks_the_sub_units(world, login, client):
    put(world, {("G1", 1, FEVER): 3, ("G3", 1, FEVER): 4})
    login(world.street_officer)

    board = client.get(board_url(world, "S1")).context["board"]

    epidemic = board.chart("epidemic")
    assert epidemic.headers[:2] == ["光华社区", "永安社区"]
    assert epidemic.roles[:2] == ["stack", "stack"]
    assert [epidemic.series(i)[-2] for i in range(3)] == [3, 4, 7]


# Who sees which trends board: the scope of the figures (figures_of).
ACCESS = {
    "community_staff": {"C1": 200, "C3": 404, "S1": 404, "D1": 404},
    "street_officer": {"S1": 200, "C1": 200, "S2": 404, "C3": 404, "D1": 404},
    "district_officer": {"D1": 200, "S2": 200, "C3": 200},
    # Grid workers see their grid's figures only: their grid's board, no community's.
    "grid_worker": {"C1": 404, "S1": 404},
    "neighbour_worker": {"C1": 404},
    "outsider": {"S2": 200, "C3": 200, "S1": 404, "C1": 404},
    # The education bureau sees the schools' figures of the whole district: a community has
    # none.
    "education_officer": {"D1": 200, "S1": 200, "C1": 404},
    # The CDC sees the schools' figures and the health centre's indicators (of every grid).
    "cdc_officer": {"D1": 200, "S2": 200, "C3": 200},
    "school_doctor": {"S1": 404, "C1": 404},
    # A checkpoint volunteer sees no figures anywhere: refused outright.
    "volunteer": {"C1": 403, "D1": 403},
}


@pytest.mark.parametrize("persona", sorted(ACCESS))
def test_boards_are_scoped_as_the_figures_are(world, login, client, persona):
    login(world.user(persona))

    got = {code: client.get(board_url(world, code)).status_code for code in ACCESS[persona]}

    assert got == ACCESS[persona]


def test_a_grid_board_shows_the_grids_own_figures(world, login, client):
    put(world, {("G1", 1, FEVER): 2, ("G2", 1, FEVER): 5})
    login(world.grid_worker)

    page = client.get(board_url(world, "G1"))

    assert page.status_code == 200
    assert page.context["board"].columns == []
    assert (row_of(page.context["board"], FEVER).total) == 2
    assert parsed(page).metric_rows[FEVER][1:] == ["2"]
    # Today's board is a community's, a street's or a district's.
    assert 'data-testid="today-board"' not in page.content.decode()
    # The neighbouring grid's board is not the grid worker's.
    assert client.get(board_url(world, "G2")).status_code == 404


def test_schools_have_no_trends_board(world, login, client):
    login(world.admin_user)
    assert client.get(board_url(world, "SCH1")).status_code == 404
    assert client.get(reverse("reports:board", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(board_url(world, "C1"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_board_only_answers_get_and_head(world, login, client):
    login(world.community_staff)
    assert client.post(board_url(world, "C1")).status_code == 405
    assert client.head(board_url(world, "C1")).status_code == 200


def test_those_who_see_schools_only_get_the_schools_figures(world, login, client):
    login(world.education_officer)

    board = client.get(board_url(world, "S1")).context["board"]

    assert {r.metric.level for r in board.metric_rows} == {"school"}
    assert [c.unit.code for c in board.columns] == ["SCH1"]
    assert board.charts == []  # no residents' figures, no daily report to count


def test_those_who_see_schools_only_drill_down_to_streets_with_schools(world, login, client):
    OrgUnit.objects.add_child(
        world.unit("D1"), create_kwargs={"code": "S3", "name": "无校街道", "level": Level.STREET}
    )
    login(world.education_officer)

    board = client.get(board_url(world, "D1")).context["board"]

    links = {c.unit.code: c.has_board for c in board.columns}
    assert links == {"S1": True, "S2": True, "S3": False}
    assert client.get(board_url(world, "S3")).status_code == 404


def test_school_figures_are_left_out_where_there_is_no_school(world, login, client):
    login(world.district_officer)

    community = client.get(board_url(world, "C1")).context["board"]
    street = client.get(board_url(world, "S1")).context["board"]

    assert not any(r.metric.level == "school" for r in community.metric_rows)
    school_row = row_of(street, "schools.absent_sick")
    assert [c.unit.code for c in street.columns] == ["C1", "C2", "SCH1"]
    assert school_row.texts[:2] == ["—", "—"]


def test_the_page_loads_its_charts_from_files_without_inline_script(world, login, client):
    login(world.community_staff)

    html = client.get(board_url(world, "C1")).content.decode()

    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/js/reports/board.js" in html
    assert "<script>" not in html
    assert " onclick=" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_board_reads_a_fixed_number_of_queries(
    world, login, client, django_assert_max_num_queries
):
    login(world.district_officer)
    put(world, {("G1", 1, FEVER): 1})
    client.get(board_url(world, "D1"))  # rows made on first read (the alert rules')
    cache.clear()
    # Cold: today's figures computed live, one query a metric; then from the cache.
    cold_week = _queries(client, board_url(world, "D1", 7))
    warm_week = _queries(client, board_url(world, "D1", 7))
    many = {
        (g, d, m): d + 1
        for g in ("G1", "G2", "G3", "G4")
        for d in range(2, 30)
        for m in (FEVER, ILI, HOME_ISOLATION, "alerts.opened")
    }
    put(world, many)

    cache.clear()
    cold_month = _queries(client, board_url(world, "D1", 30))
    warm_month = _queries(client, board_url(world, "D1", 30))
    cold_street = _queries(client, board_url(world, "S1", 30))
    warm_street = _queries(client, board_url(world, "S1", 30))

    assert cold_month == cold_week
    assert warm_month == warm_week
    # A street has its schools among the units under it, and a breadcrumb to read.
    assert (cold_street, warm_street) == (cold_month, warm_month)
    # The session and user, the actor's assignments, the unit, the units under it (twice),
    # whether it has schools, whether today is filled, the stored figures, the reporting
    # rates (3) and the page's navigation (2).
    url = board_url(world, "D1", 30)
    with django_assert_max_num_queries(14):
        client.get(url)
