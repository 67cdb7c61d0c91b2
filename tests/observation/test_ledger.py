import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.lib.errors import ERR_REASON_REQUIRED
from shoumen.observation.models import HealthReport, ObservationStatus, Reason, Slot
from shoumen.observation.reports import (
    FOLLOW_UP,
    FOLLOW_UP_COLUMNS,
    FOLLOW_UP_TITLE,
    KEY_PERSON_COLUMNS,
    KEY_PERSONS,
    KEY_PERSONS_TITLE,
    NO,
    YES,
    observation_ledger_export,
)
from tests.alerts.helpers import DAY, at, not_reached, observe, report
from tests.personas import ID_SHAN, PHONE_SHAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def observed(world):
    with time_machine.travel(at(8), tick=False):
        observe(
            world,
            world.shan,
            reason=Reason.RISK_AREA,
            risk_area="某省某市",
            arrival_date=DAY,
        )
        observe(world, world.zeng)
        observe(world, world.outsider_person)
        report(world, world.shan, temperature=Decimal("36.4"))
        report(world, world.shan, slot=Slot.AFTERNOON, temperature=Decimal("37.6"), cough=True)
        not_reached(world, world.zeng)


def sheet(content: bytes):
    ws = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in ws.iter_rows()], ws


def export(world, actor, ledger=KEY_PERSONS, **kw):
    with time_machine.travel(at(18), tick=False):
        return observation_ledger_export(
            actor=actor, org_unit=world.community, ledger=ledger, day=DAY, **kw
        )


def rows_by_name(rows):
    return {r[1]: r for r in rows[2:]}


def test_the_key_person_ledger_lists_the_units_observations_masked(world, observed):
    file = export(world, world.community_staff)
    rows, ws = sheet(file.content)
    assert rows[0][0] == str(KEY_PERSONS_TITLE % {"unit": "光华社区", "date": date_format(DAY)})
    assert rows[1] == [str(c.label) for c in KEY_PERSON_COLUMNS]
    assert ws.freeze_panes == "A3"
    by_name = rows_by_name(rows)
    assert set(by_name) == {"单明", "曾丽"}  # 李强 lives in the other street
    shan = by_name["单明"]
    assert shan[4:6] == ["110105********0019", "138****5678"]
    assert shan[9] == "某省某市"
    assert shan[10] == DAY.isoformat()
    assert shan[13] == str(ObservationStatus.ACTIVE.label)
    assert shan[14] == "grid_worker"
    assert file.filename.endswith("20261120.xlsx")
    event = AuditEvent.objects.get(action="ledger.export")
    assert event.changes["ledger"] == KEY_PERSONS
    assert event.changes["masked"] is True and event.changes["rows"] == 2


def test_the_follow_up_sheet_has_each_persons_checks_under_the_date(world, observed):
    rows, _ = sheet(export(world, world.community_staff, FOLLOW_UP).content)
    assert rows[0][0] == str(FOLLOW_UP_TITLE % {"unit": "光华社区", "date": date_format(DAY)})
    assert rows[1] == [str(c.label) for c in FOLLOW_UP_COLUMNS]
    by_name = rows_by_name(rows)
    shan = by_name["单明"]
    assert shan[8] == DAY.isoformat()  # the date column holds the sheet's date
    assert shan[9] == 1  # day 1 of the observation
    assert shan[10:13] == [36.4, 37.6, str(HealthReport._meta.get_field("cough").verbose_name)]
    assert shan[14] == str(YES)
    zeng = by_name["曾丽"]
    assert zeng[10] is None
    assert zeng[14] == str(NO)


def test_unmasked_needs_the_right_and_a_reason(world, observed):
    with pytest.raises(PermissionDenied):
        export(world, world.community_staff, unmasked=True, reason="核查")
    with pytest.raises(ValidationError) as exc:
        export(world, world.district_officer, unmasked=True)
    assert exc.value.message_dict == {"reason": [str(ERR_REASON_REQUIRED)]}
    rows, _ = sheet(export(world, world.district_officer, unmasked=True, reason="流调核查").content)
    shan = next(r for r in rows[2:] if r[1] == "单明")
    assert ID_SHAN in shan and PHONE_SHAN in shan
    event = AuditEvent.objects.filter(action="ledger.export").latest("id")
    assert event.reason == "流调核查" and event.changes["masked"] is False


def test_out_of_scope_units_are_refused(world, observed):
    with pytest.raises(PermissionDenied):
        observation_ledger_export(
            actor=world.outsider, org_unit=world.community, ledger=KEY_PERSONS
        )


def test_the_download_page_returns_the_workbook(world, login, observed):
    client = login(world.community_staff)
    with time_machine.travel(at(18), tick=False):
        response = client.post(
            reverse("observation_ledgers:download"),
            {"unit": world.community.pk, "ledger": FOLLOW_UP, "day": DAY.isoformat()},
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows, _ = sheet(response.content)
    assert len(rows) == 4


def test_a_unit_outside_scope_is_a_404_on_the_page(world, login, observed):
    response = login(world.outsider).post(
        reverse("observation_ledgers:download"), {"unit": world.community.pk, "ledger": KEY_PERSONS}
    )
    assert response.status_code == 404
