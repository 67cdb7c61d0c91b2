"""Who may export what, and the audit trail every export leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.ledgers.export_services import (
    ERR_EXPORT_LEVEL,
    ERR_FORMAT,
    FORMAT_CSV,
    FORMAT_XLSX,
    register_export,
)
from shoumen.lib.errors import ERR_NOT_ALLOWED, ERR_OUT_OF_SCOPE, ERR_REASON_REQUIRED
from tests.ledgers.export_helpers import ID_COLUMN, csv_rows, xlsx_rows
from tests.personas import ID_SHAN

URL = "ledgers:export"


def _last_export():
    return AuditEvent.objects.filter(action="ledger.export").order_by("-id").first()


def test_every_masked_export_is_audited_with_format_rows_and_masking(world):
    register_export(actor=world.community_staff, org_unit=world.community, fmt=FORMAT_CSV)
    event = _last_export()
    assert event.actor == world.community_staff
    assert (event.target_type, event.target_id) == ("places.orgunit", str(world.community.pk))
    assert event.org_path == world.community.path
    assert event.changes == {
        "format": "csv",
        "rows": 4,
        "masked": True,
        "include_inactive": False,
    }
    assert event.reason == ""


def test_unmasked_export_is_audited_with_its_reason(world):
    register_export(
        actor=world.district_officer,
        org_unit=world.grid_a,
        fmt=FORMAT_XLSX,
        unmasked=True,
        reason="  疾控中心流调核查  ",
    )
    event = _last_export()
    assert event.changes["masked"] is False
    assert event.reason == "疾控中心流调核查"
    assert ID_SHAN not in str(event.changes)


def test_unmasked_export_requires_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        register_export(
            actor=world.district_officer, org_unit=world.grid_a, fmt=FORMAT_XLSX, unmasked=True
        )
    assert exc.value.message_dict == {"reason": [str(ERR_REASON_REQUIRED)]}
    assert _last_export() is None


def test_unmasked_export_requires_the_export_sensitive_right(world):
    with pytest.raises(PermissionDenied) as exc:
        register_export(
            actor=world.community_staff,
            org_unit=world.grid_a,
            fmt=FORMAT_XLSX,
            unmasked=True,
            reason="需要全号",
        )
    assert str(exc.value) == str(ERR_NOT_ALLOWED)
    assert _last_export() is None


def test_grid_worker_cannot_export(world):
    with pytest.raises(PermissionDenied) as exc:
        register_export(actor=world.grid_worker, org_unit=world.grid_a, fmt=FORMAT_XLSX)
    assert str(exc.value) == str(ERR_OUT_OF_SCOPE)


def test_community_staff_cannot_export_another_community(world):
    with pytest.raises(PermissionDenied):
        register_export(actor=world.community_staff, org_unit=world.unit("C2"), fmt=FORMAT_XLSX)


def test_registers_are_exported_for_communities_and_grids_only(world):
    with pytest.raises(ValidationError) as exc:
        register_export(actor=world.street_officer, org_unit=world.street, fmt=FORMAT_XLSX)
    assert exc.value.message_dict == {"org_unit": [str(ERR_EXPORT_LEVEL)]}


def test_an_unknown_format_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        register_export(actor=world.community_staff, org_unit=world.grid_a, fmt="pdf")
    assert exc.value.message_dict == {"fmt": [str(ERR_FORMAT)]}


# ---------------------------------------------------------------- the page


def test_export_page_downloads_a_masked_xlsx_with_a_chinese_file_name(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse(URL), {"unit": world.grid_a.pk, "fmt": "xlsx", "include_inactive": ""}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = xlsx_rows(response.content)
    assert rows[0][ID_COLUMN] == world.shan.id_number_masked
    assert _last_export().changes["rows"] == 3


def test_export_page_csv_download(world, login):
    client = login(world.street_officer)
    response = client.post(reverse(URL), {"unit": world.community.pk, "fmt": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert len(csv_rows(response.content)) == 5


def test_grid_worker_is_refused_the_export_page(world, login):
    client = login(world.grid_worker)
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"unit": world.grid_a.pk, "fmt": "xlsx"})
    assert response.status_code == 403
    assert _last_export() is None


def test_community_staff_exporting_another_community_gets_404(world, login):
    client = login(world.community_staff)
    response = client.post(reverse(URL), {"unit": world.unit("C2").pk, "fmt": "xlsx"})
    assert response.status_code == 404
    assert _last_export() is None


def test_page_offers_only_units_in_scope(world, login):
    html = login(world.community_staff).get(reverse(URL)).content.decode()
    assert "光华第一网格" in html and "光华社区" in html
    assert "永安社区" not in html and "和平里第一网格" not in html


def test_unmask_and_reason_are_offered_only_to_those_allowed(world, login, client):
    staff_page = login(world.community_staff).get(reverse(URL)).content.decode()
    assert 'name="unmasked"' not in staff_page and 'name="reason"' not in staff_page
    officer_page = login(world.district_officer).get(reverse(URL)).content.decode()
    assert 'name="unmasked"' in officer_page and 'name="reason"' in officer_page


def test_an_unmask_request_from_community_staff_still_gets_masked_values(world, login):
    client = login(world.community_staff)
    data = {"unit": world.grid_a.pk, "fmt": "xlsx", "unmasked": "on", "reason": "想看全号"}
    response = client.post(reverse(URL), data)
    assert xlsx_rows(response.content)[0][ID_COLUMN] == world.shan.id_number_masked
    assert _last_export().changes["masked"] is True


def test_unmasked_export_without_a_reason_shows_the_error_on_the_page(world, login):
    client = login(world.district_officer)
    response = client.post(reverse(URL), {"unit": world.grid_a.pk, "fmt": "xlsx", "unmasked": "on"})
    assert response.status_code == 400
    assert str(ERR_REASON_REQUIRED) in response.content.decode()
    assert _last_export() is None


def test_unmasked_export_through_the_page(world, login):
    client = login(world.district_officer)
    data = {"unit": world.grid_a.pk, "fmt": "xlsx", "unmasked": "on", "reason": "疾控核查"}
    response = client.post(reverse(URL), data)
    assert xlsx_rows(response.content)[0][ID_COLUMN] == ID_SHAN
    assert _last_export().reason == "疾控核查"


def test_street_level_choice_shows_a_form_error(world, login):
    client = login(world.street_officer)
    response = client.post(reverse(URL), {"unit": world.street.pk, "fmt": "xlsx"})
    assert response.status_code == 400
    assert str(ERR_EXPORT_LEVEL) in response.content.decode()


def test_grid_and_community_pages_link_to_the_export(world, login):
    client = login(world.community_staff)
    grid_page = client.get(reverse("registry:grid", args=[world.grid_a.pk])).content.decode()
    assert f"{reverse(URL)}?unit={world.grid_a.pk}" in grid_page
    unit_page = client.get(reverse("places:unit", args=[world.community.pk])).content.decode()
    assert f"{reverse(URL)}?unit={world.community.pk}" in unit_page
    worker_page = login(world.grid_worker).get(reverse("registry:grid", args=[world.grid_a.pk]))
    assert 'data-testid="export-link"' not in worker_page.content.decode()


def test_the_link_preselects_the_unit(world, login):
    page = login(world.community_staff).get(f"{reverse(URL)}?unit={world.grid_a.pk}")
    assert page.context["form"]["unit"].value() == str(world.grid_a.pk)
