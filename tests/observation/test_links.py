import datetime
import re
import uuid

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.alerts.models import Alert, Cause
from shoumen.audit.models import AuditEvent
from shoumen.observation.links import (
    ERR_DEPENDENTS_HEAD_ONLY,
    ERR_SUBJECT_HOUSEHOLD,
    ERR_SUBJECT_NOT_OBSERVED,
    TOKEN_SALT,
    report_link_issue,
    report_link_regenerate,
    report_link_resolve,
    report_link_revoke,
    report_link_submit,
    report_link_token,
)
from shoumen.observation.models import HealthReport, Kind, Reason, ReportLink, Slot, Source
from shoumen.observation.services import observation_start
from shoumen.registry.models import Person

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _observe(world, person):
    return observation_start(
        actor=world.admin_user,
        person=person,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=TODAY - datetime.timedelta(days=1),
    )


@pytest.fixture
def baby(world):
    return Person.objects.get(name="单小宝")


@pytest.fixture
def household_link(world, baby):
    """单明, the head, reports for himself and his observed mother and son."""
    for person in (world.shan, world.zeng, baby):
        _observe(world, person)
    return report_link_issue(
        actor=world.grid_worker, holder=world.shan, subjects=[world.shan, world.zeng, baby]
    )


def _url(link):
    return reverse("links:self_report", args=[report_link_token(link)])


def _post(client, url, index=0, **values):
    data = {
        "subject": str(index),
        f"s{index}-slot": Slot.MORNING,
        f"s{index}-temperature": "36.5",
        f"s{index}-client_uuid": str(uuid.uuid4()),
        **{f"s{index}-{k}": v for k, v in values.items()},
    }
    return client.post(url, data)


def test_issuing_a_link_is_audited_and_its_token_resolves(world, household_link):
    link = household_link
    assert report_link_resolve(report_link_token(link)) == link
    assert link.expires_at == NOW + datetime.timedelta(days=30)
    event = AuditEvent.objects.filter(action="report_link.issue").get()
    assert event.actor == world.grid_worker
    assert event.target_id == str(world.shan.pk)
    assert sorted(event.changes["subjects"]) == sorted(p.pk for p in link.subjects.all())


def test_a_worker_outside_the_grid_cannot_issue(world):
    _observe(world, world.shan)
    with pytest.raises(PermissionDenied):
        report_link_issue(actor=world.neighbour_worker, holder=world.shan, subjects=[world.shan])


def test_only_persons_under_observation_are_covered(world):
    with pytest.raises(ValidationError) as exc:
        report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    assert exc.value.message_dict["subjects"] == [str(ERR_SUBJECT_NOT_OBSERVED % {"name": "单明"})]


def test_only_the_household_head_reports_for_others(world):
    _observe(world, world.shan)
    _observe(world, world.zeng)
    with pytest.raises(ValidationError) as exc:
        report_link_issue(actor=world.grid_worker, holder=world.zeng, subjects=[world.shan])
    assert exc.value.message_dict["subjects"] == [str(ERR_DEPENDENTS_HEAD_ONLY)]


def test_another_household_cannot_be_covered(world):
    _observe(world, world.shan)
    _observe(world, world.neighbour)
    with pytest.raises(ValidationError) as exc:
        report_link_issue(actor=world.admin_user, holder=world.shan, subjects=[world.neighbour])
    assert exc.value.message_dict["subjects"] == [str(ERR_SUBJECT_HOUSEHOLD)]


def test_a_link_expires_after_the_configured_days(world, household_link, frozen, client):
    url = _url(household_link)
    frozen.move_to(NOW + datetime.timedelta(days=29, hours=23))
    assert client.get(url).status_code == 200
    frozen.move_to(NOW + datetime.timedelta(days=30, seconds=1))
    assert report_link_resolve(report_link_token(household_link)) is None
    response = client.get(url)
    assert response.status_code == 404
    assert 'data-testid="link-invalid"' in response.content.decode()


def test_a_revoked_link_stops_working_and_the_revocation_is_audited(world, household_link, client):
    url = _url(household_link)
    report_link_revoke(actor=world.grid_worker, link=household_link, reason="卡片遗失")
    assert client.get(url).status_code == 404
    assert _post(client, url).status_code == 404
    assert not HealthReport.objects.exists()
    event = AuditEvent.objects.get(action="report_link.revoke")
    assert event.reason == "卡片遗失"


def test_regenerating_kills_old_tokens_and_gives_a_working_one(world, household_link, client):
    old = report_link_token(household_link)
    link = report_link_regenerate(actor=world.grid_worker, link=household_link)
    new = report_link_token(link)
    assert new != old
    assert report_link_resolve(old) is None
    assert report_link_resolve(new) == link
    assert client.get(reverse("links:self_report", args=[old])).status_code == 404
    assert client.get(reverse("links:self_report", args=[new])).status_code == 200
    assert AuditEvent.objects.filter(action="report_link.regenerate").count() == 1


def test_regenerating_revives_a_revoked_link(world, household_link):
    report_link_revoke(actor=world.grid_worker, link=household_link, reason="暂停")
    link = report_link_regenerate(actor=world.grid_worker, link=household_link)
    assert report_link_resolve(report_link_token(link)) == link


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: signing.Signer(salt="another").sign_object([1, 1]),
        lambda token: signing.Signer(salt=TOKEN_SALT).sign_object("1:1"),
        lambda token: signing.Signer(salt=TOKEN_SALT).sign_object([1, 1, 1]),
        lambda token: signing.dumps([1, 1]),
        lambda token: "not-a-token",
    ],
)
def test_tampered_or_foreign_tokens_resolve_to_nothing(world, household_link, forge):
    assert report_link_resolve(forge(report_link_token(household_link))) is None


def test_a_token_for_another_link_id_cannot_be_made_without_the_key(world, household_link):
    token = report_link_token(household_link)
    payload, _ = token.rsplit(":", 1)
    forged = signing.Signer(salt=TOKEN_SALT).sign_object([household_link.pk + 1, 1])
    assert forged.rsplit(":", 1)[0] != payload
    assert report_link_resolve(forged) is None  # no such link either


def test_every_dead_link_gets_the_same_page(world, household_link, client):
    forged = client.get(reverse("links:self_report", args=["abc:def"]))
    report_link_revoke(actor=world.grid_worker, link=household_link, reason="卡片遗失")
    revoked = client.get(_url(household_link))
    assert forged.status_code == revoked.status_code == 404
    assert _main(forged) == _main(revoked)


def _main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_public_page_shows_masked_names_only(world, household_link, client):
    response = client.get(_url(household_link))
    html = response.content.decode()
    assert response.status_code == 200
    assert [e["name"] for e in response.context["entries"]] == ["单*", "曾*", "单**"]
    # Random values (the link's own token, CSRF, the CSP nonce) may contain the digits by
    # chance: look at the page with them taken out.
    shown = re.sub(r'(value|nonce|action|href)="[^"]*"', "", html.replace(_url(household_link), ""))
    for secret in ("单明", "曾丽", "单小宝", "1101", "138"):
        assert secret not in shown
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_slot_is_preselected_by_the_time_of_day(world, household_link, client, frozen):
    url = _url(household_link)
    assert client.get(url).context["entries"][0]["form"]["slot"].value() == Slot.MORNING
    frozen.move_to(NOW.replace(hour=15))
    assert client.get(url).context["entries"][0]["form"]["slot"].value() == Slot.AFTERNOON


def test_holder_reports_as_self_and_for_dependents_as_proxy(world, household_link, baby, client):
    url = _url(household_link)
    assert _post(client, url, 0).status_code == 302
    assert _post(client, url, 2, temperature="36.9").status_code == 302
    sources = dict(HealthReport.objects.values_list("person__name", "source"))
    assert sources == {"单明": Source.SELF, "单小宝": Source.PROXY}
    household_link.refresh_from_db()
    assert household_link.last_used_at == NOW
    page = client.get(url)
    assert [bool(e["done"]) for e in page.context["entries"]] == [True, False, True]


def test_a_replayed_form_records_once(world, household_link, client):
    url = _url(household_link)
    data = {
        "subject": "1",
        "s1-slot": Slot.MORNING,
        "s1-temperature": "36.4",
        "s1-client_uuid": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert HealthReport.objects.count() == 1
    report = HealthReport.objects.get()
    assert (report.person_id, str(report.temperature)) == (world.zeng.pk, "36.4")


def test_a_fever_through_the_link_raises_an_alert(world, household_link, client):
    url = _url(household_link)
    assert _post(client, url, 1, temperature="38.6", symptoms=["cough"]).status_code == 302
    alert = Alert.objects.get()
    assert (alert.person_id, alert.cause) == (world.zeng.pk, Cause.ILI)


def test_bad_input_is_refused_with_field_errors(world, household_link, client):
    url = _url(household_link)
    response = _post(client, url, 0, temperature="45.2")
    assert response.status_code == 400
    assert response.context["entries"][0]["form"].errors["temperature"]
    assert _post(client, url, 7).status_code == 400  # no such subject on this link
    assert client.post(url, {}).status_code == 400
    assert not HealthReport.objects.exists()


def test_submit_cannot_reach_persons_outside_the_link(world, household_link):
    results = report_link_submit(
        link=household_link,
        rows=[
            {
                "person": world.neighbour.pk,
                "date": TODAY,
                "slot": Slot.MORNING,
                "temperature": "36.5",
                "client_uuid": uuid.uuid4(),
            }
        ],
    )
    assert [r.result for r in results] == ["error"]
    assert not HealthReport.objects.exists()


def test_reissuing_changes_subjects_and_kills_the_old_token(world, household_link, baby):
    old = report_link_token(household_link)
    link = report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    assert link.pk == household_link.pk
    assert list(link.subjects.all()) == [world.shan]
    assert report_link_resolve(old) is None
    assert ReportLink.objects.count() == 1


def test_worker_issues_prints_and_downloads_the_qr(world, client):
    _observe(world, world.shan)
    client.force_login(world.grid_worker)
    page = client.get(reverse("links:person", args=[world.shan.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("links:issue", args=[world.shan.pk]), {"subjects": [str(world.shan.pk)]}
    )
    link = ReportLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("links:card", args=[link.pk])
    card = client.get(response["Location"])
    html = card.content.decode()
    assert "<svg" in html
    assert report_link_token(link) in html
    png = client.get(reverse("links:qr_png", args=[link.pk]))
    assert (png["Content-Type"], png.content[:4]) == ("image/png", b"\x89PNG")
    svg = client.get(reverse("links:qr_svg", args=[link.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_each_showing_of_a_link_card_or_qr_is_audited(world, client):
    _observe(world, world.shan)
    link = report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    client.force_login(world.grid_worker)
    for name in ("links:card", "links:qr_png", "links:qr_svg"):
        assert client.get(reverse(name, args=[link.pk])).status_code == 200
    events = AuditEvent.objects.filter(action="report_link.card").order_by("id")
    assert [e.changes["format"] for e in events] == ["page", "png", "svg"]
    assert {(e.actor_id, e.target_id) for e in events} == {
        (world.grid_worker.pk, str(world.shan.pk))
    }


def test_worker_revokes_and_regenerates_from_the_page(world, household_link, client):
    client.force_login(world.grid_worker)
    url = reverse("links:revoke", args=[household_link.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "卡片遗失"}).status_code == 302
    household_link.refresh_from_db()
    assert household_link.revoked_at == NOW
    response = client.post(reverse("links:regenerate", args=[household_link.pk]))
    assert response.status_code == 302
    household_link.refresh_from_db()
    assert (household_link.revoked_at, household_link.version) == (None, 2)


def test_a_neighbouring_worker_cannot_open_the_link_pages(world, household_link, client):
    client.force_login(world.neighbour_worker)
    for name, pk in (
        ("links:person", world.shan.pk),
        ("links:card", household_link.pk),
        ("links:qr_png", household_link.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("links:regenerate", args=[household_link.pk])).status_code == 404
