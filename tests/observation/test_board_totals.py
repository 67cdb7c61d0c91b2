"""Every board table ends with a total row: the reporting rate per grid, alerts by age and
by owner, observed persons by kind and by reason."""

import datetime
import re

import pytest
from django.urls import reverse

from shoumen.alerts.models import Alert, Cause
from shoumen.alerts.services import alert_acknowledge, alert_raise
from tests.observation.test_boards import NOW, frozen, observed  # noqa: F401

pytestmark = pytest.mark.django_db


def cells(html: str, testid: str) -> list[list[str]]:
    """The text of each cell of the rows marked ``data-testid``."""
    rows = re.findall(rf'<tr[^>]*data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def board_html(client, world, unit) -> str:
    client.force_login(world.community_staff if unit == world.community else world.street_officer)
    return client.get(reverse("boards:board", args=[unit.pk])).content.decode()


def test_community_board_rate_table_has_a_total_row(world, observed, client):  # noqa: F811
    html = board_html(client, world, world.community)
    grids = cells(html, "grid-rate")
    (total,) = cells(html, "rate-total")
    assert len(grids) > 1
    assert int(total[1]) == sum(int(g[1]) for g in grids)  # observed
    assert int(total[2]) == sum(int(g[2]) for g in grids)  # due
    assert int(total[3]) == sum(int(g[3]) for g in grids)  # received


def test_observed_tables_have_totals_by_status(world, observed, client):  # noqa: F811
    html = board_html(client, world, world.community)
    by_kind, by_reason = cells(html, "observed-total")
    assert by_kind[-1] == by_reason[-1] == "3"  # 单明, 曾丽, 王刚
    assert sum(int(n) for n in by_kind[1:-1]) == 3


def test_alert_tables_have_totals(world, observed, client):  # noqa: F811
    alert_raise(
        person=world.shan,
        cause=Cause.FEVER,
        details={},
        observation=observed["shan"],
        now=NOW - datetime.timedelta(hours=10),
    )
    alert_acknowledge(actor=world.grid_worker, alert=Alert.objects.get(cause=Cause.FEVER))
    html = board_html(client, world, world.community)
    (owners,) = cells(html, "owner-total")
    assert owners[1:] == ["1", "1", "0"]  # open (王刚), acknowledged (单明), overdue
    assert re.search(r'data-testid="age-grand-total">2<', html)


def test_street_board_keeps_its_total_row(world, observed, client):  # noqa: F811
    html = board_html(client, world, world.street)
    (total,) = cells(html, "rate-total")
    assert total[1] == "3"
