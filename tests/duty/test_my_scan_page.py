"""Checking in for one's shift from the checkpoint's scan page: the box shows for whoever
stands this checkpoint's post now or within the hour, records from the scan page, then
offers the check-out, and says what happened."""

import pytest
import time_machine
from django.urls import reverse

from shoumen.duty.models import CheckIn
from tests.duty.my_helpers import assign, at, roster, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate_shift(duty):
    return assign(roster(duty), shift(duty.gate, "D"), duty.volunteer)  # 08:00–16:00


def _scan_page(client, duty, when):
    with time_machine.travel(at(when), tick=False):
        return client.get(reverse("checkpoint_scan:scan", args=[duty.gate.checkpoint_id]))


def test_the_scan_page_offers_check_in_within_the_hour_before_the_shift(
    client, world, duty, gate_shift
):
    client.force_login(world.volunteer)
    html = _scan_page(client, duty, "2026-03-02 07:05").content.decode()
    assert 'data-testid="scan-check-in"' in html
    assert reverse("duty:check_in", args=[gate_shift.pk]) in html


def test_the_scan_page_shows_nothing_earlier_or_to_someone_not_on_the_post(
    client, world, duty, gate_shift
):
    client.force_login(world.volunteer)
    assert (
        'data-testid="duty-check-in"'
        not in _scan_page(client, duty, "2026-03-02 06:30").content.decode()
    )
    assign(gate_shift.roster, shift(duty.monitoring, "D"), duty.staff)
    client.force_login(world.community_staff)
    assert (
        'data-testid="duty-check-in"'
        not in _scan_page(client, duty, "2026-03-02 09:00").content.decode()
    )


def test_checking_in_from_the_scan_page_returns_to_it_and_then_offers_check_out(
    client, world, duty, gate_shift
):
    client.force_login(world.volunteer)
    page = _scan_page(client, duty, "2026-03-02 08:10")
    scan_url = page.request["PATH_INFO"]
    form = {
        "kind": "in",
        "client_uuid": "00000000-0000-4000-8000-0000000000aa",
        "from_scan": "1",
        "next": scan_url,
    }
    with time_machine.travel(at("2026-03-02 08:10"), tick=False):
        response = client.post(reverse("duty:check_in", args=[gate_shift.pk]), form)
    assert response.status_code == 302 and response["Location"] == scan_url
    check = CheckIn.objects.get()
    assert check.from_scan_page and check.at == at("2026-03-02 08:10")
    html = _scan_page(client, duty, "2026-03-02 08:11").content.decode()
    assert 'data-testid="duty-check-message"' in html and "08:10" in html
    assert 'data-testid="scan-check-out"' in html


def test_the_check_out_is_offered_up_to_four_hours_after_the_shift(client, world, duty, gate_shift):
    CheckIn.objects.create(
        assignment=gate_shift,
        kind="in",
        at=gate_shift.starts_at,
        client_uuid="00000000-0000-4000-8000-0000000000bb",
    )
    client.force_login(world.volunteer)
    assert (
        'data-testid="scan-check-out"'
        in _scan_page(client, duty, "2026-03-02 19:59").content.decode()
    )
    assert (
        'data-testid="duty-check-in"'
        not in _scan_page(client, duty, "2026-03-02 20:01").content.decode()
    )


def test_a_next_address_elsewhere_is_not_followed(client, world, duty, gate_shift):
    client.force_login(world.volunteer)
    form = {
        "kind": "in",
        "client_uuid": "00000000-0000-4000-8000-0000000000cc",
        "next": "https://evil.example/",
    }
    with time_machine.travel(at("2026-03-02 08:10"), tick=False):
        response = client.post(reverse("duty:check_in", args=[gate_shift.pk]), form)
    assert response["Location"] == reverse("duty:my_shifts")
