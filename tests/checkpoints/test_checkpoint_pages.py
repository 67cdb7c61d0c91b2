"""The checkpoint pages: setting up posts, passes on the person page and in a list,
traffic and shift handover."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints import services
from shoumen.checkpoints.models import (
    Checkpoint,
    Direction,
    Pass,
    PassStatus,
    RevokeReason,
    VerdictReason,
)
from shoumen.checkpoints.scan_services import scans_record
from shoumen.checkpoints.services import ERR_CHECKPOINT_HOURS, pass_issue, pass_revoke, pass_token
from shoumen.checkpoints.visitor_services import visitor_register
from shoumen.lib.errors import ERR_REASON_REQUIRED

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


def test_community_staff_set_up_a_post_for_one_building(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("checkpoints:new", args=[world.community.pk]),
        {
            "name": "北门",
            "location": "北大街口",
            "opens_at": "06:00",
            "closes_at": "22:00",
            "buildings": [world.building_a.pk],
        },
    )
    gate = Checkpoint.objects.get(community=world.community, name="北门")
    assert response.status_code == 302 and response.url == reverse(
        "checkpoints:detail", args=[gate.pk]
    )
    assert (gate.opens_at, list(gate.buildings.all())) == (datetime.time(6), [world.building_a])


def test_the_post_form_shows_the_services_error_on_half_given_hours(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("checkpoints:new", args=[world.community.pk]), {"name": "北门", "opens_at": "06:00"}
    )
    assert response.status_code == 400
    assert escape(str(ERR_CHECKPOINT_HOURS)) in response.content.decode()
    assert not Checkpoint.objects.exists()


def test_staff_take_a_post_out_of_use(world, login, gate):
    client = login(world.community_staff)
    response = client.post(reverse("checkpoints:edit", args=[gate.pk]), {"name": "北门"})
    gate.refresh_from_db()
    assert response.status_code == 302 and gate.is_active is False


def test_a_volunteer_acts_only_at_their_own_communitys_posts(world, login):
    elsewhere = Checkpoint.objects.create(community=world.unit("C3"), name="东门")
    client = login(world.volunteer)
    for name in ("detail", "visitors", "traffic", "handover", "ledger", "visitor_new"):
        assert client.get(reverse(f"checkpoints:{name}", args=[elsewhere.pk])).status_code == 404
    response = client.post(
        reverse("checkpoints:visitor_new", args=[elsewhere.pk]),
        {"name": "访客", "phone": "13912345678", "visiting": "1号", "reason": "送货"},
    )
    assert response.status_code == 404
    assert not elsewhere.visitors.exists()


def test_the_poster_carries_the_posts_own_visitor_link(world, login, gate):
    client = login(world.community_staff)
    response = client.get(reverse("checkpoints:poster", args=[gate.pk]))
    assert f"/v/{gate.visitor_key}/" in response.content.decode()
    assert "<svg" in response.content.decode()
    png = client.get(reverse("checkpoints:poster", args=[gate.pk]), {"format": "png"})
    assert png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).format == "PNG"


def test_the_person_page_offers_the_pass_section_to_pass_keepers_only(world, login):
    person_url = reverse("registry:person", args=[world.shan.pk])
    assert 'data-testid="person-pass"' in login(world.grid_worker).get(person_url).content.decode()
    # htmx gets the section alone, without the page around it.
    fragment = login(world.grid_worker).get(
        reverse("checkpoints:person_pass", args=[world.shan.pk]), HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="person-pass"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_a_grid_worker_issues_reissues_revokes_and_restores_a_pass(world, login):
    client = login(world.grid_worker)
    pk = world.shan.pk
    client.post(reverse("checkpoints:person_pass_issue", args=[pk]))
    client.post(reverse("checkpoints:person_pass_issue", args=[pk]))
    assert Pass.objects.get(person=world.shan).version == 2

    response = client.post(
        reverse("checkpoints:person_pass_revoke", args=[pk]), {"reason": "证件冒用"}
    )
    assert response.status_code == 302
    pass_ = Pass.objects.get(person=world.shan)
    assert (pass_.status, pass_.revoke_reason, pass_.revoke_note) == (
        PassStatus.REVOKED,
        RevokeReason.MANUAL,
        "证件冒用",
    )
    page = client.get(reverse("checkpoints:person_pass", args=[pk])).content.decode()
    assert "证件冒用" in page and 'data-testid="restore"' in page

    client.post(reverse("checkpoints:person_pass_restore", args=[pk]), {"reason": "核实无误"})
    assert Pass.objects.get(person=world.shan).status == PassStatus.VALID


def test_revoking_without_a_reason_is_refused_and_changes_nothing(world, login):
    pass_issue(actor=world.grid_worker, person=world.shan)
    response = login(world.grid_worker).post(
        reverse("checkpoints:person_pass_revoke", args=[world.shan.pk]), {"reason": " "}
    )
    assert response.status_code == 400
    assert escape(str(ERR_REASON_REQUIRED)) in response.content.decode()
    assert Pass.objects.get(person=world.shan).status == PassStatus.VALID


def test_the_pass_card_downloads_as_png_and_pdf(world, login):
    pass_issue(actor=world.grid_worker, person=world.shan)
    client = login(world.grid_worker)
    png = client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "png"]))
    pdf = client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "pdf"]))
    assert (png["Content-Type"], pdf["Content-Type"]) == ("image/png", "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    other = client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "gif"]))
    assert other.status_code == 404


def test_downloading_the_pass_card_page_records_an_audit_event(world, login, monkeypatch):
    monkeypatch.setitem(services.CARD_RENDERERS, "pdf", lambda pass_, token: b"%PDF")
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    client = login(world.grid_worker)
    client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "pdf"]))
    client.get(reverse("checkpoints:person_pass_card", args=[world.shan.pk, "gif"]))
    events = AuditEvent.objects.filter(action="pass.card_export")
    assert [(e.actor_id, e.target_id, e.changes["format"]) for e in events] == [
        (world.grid_worker.pk, str(pass_.pk), "pdf")
    ]


def test_a_person_without_a_pass_has_no_card(world, login):
    response = login(world.grid_worker).get(
        reverse("checkpoints:person_pass_card", args=[world.shan.pk, "png"])
    )
    assert response.status_code == 404


def test_bulk_issue_gives_a_pass_to_each_resident_of_the_building_who_has_none(world, login):
    first = pass_issue(actor=world.grid_worker, person=world.shan)
    response = login(world.grid_worker).post(
        reverse("checkpoints:passes_issue"), {"building": world.building_a.pk}
    )
    assert response.status_code == 302
    holders = dict(Pass.objects.values_list("person__name", "version"))
    assert holders == {"单明": 1, "曾丽": 1, "单小宝": 1}
    assert Pass.objects.get(pk=first.pk).version == 1


def test_bulk_issue_for_a_household_out_of_scope_is_404(world, login):
    response = login(world.neighbour_worker).post(
        reverse("checkpoints:passes_issue"), {"household": world.household_a.pk}
    )
    assert response.status_code == 404
    assert not Pass.objects.exists()


def test_the_passes_list_filters_revoked_and_soon_expiring(world, login, settings):
    pass_revoke(
        actor=world.grid_worker,
        pass_=pass_issue(actor=world.grid_worker, person=world.shan),
        reason="冒用",
    )
    settings.PASS_VALID_DAYS = 3
    pass_issue(actor=world.grid_worker, person=world.zeng)
    settings.PASS_VALID_DAYS = 30
    pass_issue(actor=world.grid_worker, person=world.person("单小宝"))
    client = login(world.community_staff)
    url = reverse("checkpoints:passes")

    def names(**params):
        page = client.get(url, params).context["page"]
        return sorted(p.person.name for p in page)

    assert names() == ["单小宝", "单明", "曾丽"]
    assert names(status="revoked") == ["单明"]
    assert names(expiring="on") == ["曾丽"]
    assert names(unit=world.grid_b.pk) == []


def _scan(token, direction=Direction.IN, temperature="36.5", **extra):
    return {
        "client_uuid": uuid.uuid4(),
        "token": token,
        "direction": direction,
        "temperature": Decimal(temperature),
        "scanned_at": NOW,
        **extra,
    }


def test_traffic_shows_denials_by_reason_for_each_hour(world, login, gate):
    token = pass_token(pass_issue(actor=world.grid_worker, person=world.shan))
    scans_record(
        actor=world.volunteer,
        checkpoint=gate,
        rows=[_scan(token), _scan(token, temperature="38.2"), _scan("forged")],
    )
    response = login(world.volunteer).get(
        reverse("checkpoints:traffic", args=[gate.pk]), {"day": "2026-11-20"}
    )
    (row,) = response.context["hours"]
    assert (row["hour"], row["entries"], row["denials"], row["fevers"]) == (9, 1, 2, 1)
    assert sorted((str(label), n) for label, n in row["denials_by_reason"]) == sorted(
        [(str(VerdictReason.FEVER.label), 1), (str(VerdictReason.FORGED.label), 1)]
    )


def test_the_handover_lists_flagged_offline_scans_and_visitors_still_inside(world, login, gate):
    pass_ = pass_issue(actor=world.grid_worker, person=world.shan)
    token = pass_token(pass_)
    pass_revoke(actor=world.grid_worker, pass_=pass_, reason="冒用")
    earlier = NOW - datetime.timedelta(hours=1)
    scans_record(
        actor=world.volunteer,
        checkpoint=gate,
        rows=[_scan(token, offline=True, verdict="allow", scanned_at=earlier), _scan("forged")],
    )
    for name in ("访客甲", "访客乙"):
        visitor_register(
            actor=world.volunteer,
            checkpoint=gate,
            client_uuid=uuid.uuid4(),
            name=name,
            phone="13912345678",
            visiting="5号楼",
            reason="探望",
        )
    gate.visitors.filter(name="访客乙").update(left_at=NOW)
    response = login(world.volunteer).get(reverse("checkpoints:handover", args=[gate.pk]))
    summary = response.context["summary"]
    assert (summary.entries, summary.denials, summary.visitors_arrived) == (1, 1, 2)
    assert [s.person_id for s in summary.flagged] == [world.shan.pk]
    assert [v.name for v in summary.visitors_inside] == ["访客甲"]
    page = response.content.decode()
    assert "访*" in page and "访客甲" not in page and "单*" in page
