"""The swap and sick-call pages: staff see each pending swap with what the checker finds
up front and decide with one tap; the person asks for a swap from their shift; a sick call
is two taps for staff (sick, then a name)."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from shoumen.duty.cover_services import ERR_COVERED, replacements_for
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    AssignmentSource,
    Swap,
    SwapStatus,
)
from shoumen.duty.swap_services import swap_approve, swap_request
from tests.duty.conftest import MONDAY, NOW
from tests.duty.swap_rows import full_roster, published, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TUESDAY = MONDAY + DAY
SUNDAY = MONDAY + 6 * DAY


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roster(duty, frozen):
    return published(duty.community, MONDAY, SUNDAY)


def _ask(world, assignment, partner):
    swap, _ = swap_request(
        actor=world.volunteer, assignment=assignment, partner=partner, client_uuid=uuid.uuid4()
    )
    return swap


def test_staff_see_pending_swaps_with_the_broken_rules_up_front(world, duty, roster, client):
    fine = _ask(world, put(roster, duty.gate, "D", TUESDAY, duty.volunteer), duty.people[4])
    tired = duty.people[5]
    put(roster, duty.gate, "N", TUESDAY + DAY, tired)
    bad = _ask(world, put(roster, duty.gate, "D", TUESDAY + DAY, duty.volunteer), tired)
    client.force_login(world.community_staff)
    response = client.get(reverse("duty:swaps", args=[duty.community.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="swap-pending"') == 2
    assert f'data-swap="{fine.pk}"' in html and f'data-swap="{bad.pk}"' in html
    assert html.count('data-testid="swap-problems"') == 1
    assert html.count('data-testid="swap-ok"') == 1
    assert tired.name in html


def test_the_swap_list_reads_each_roster_once(
    world, duty, roster, client, django_assert_max_num_queries
):
    for i in range(4):
        day = TUESDAY + i * DAY
        _ask(world, put(roster, duty.gate, "E", day, duty.volunteer), duty.people[4 + i])
    client.force_login(world.community_staff)
    url = reverse("duty:swaps", args=[duty.community.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_staff_approve_a_swap_with_one_tap(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap = _ask(world, mine, duty.people[4])
    client.force_login(world.community_staff)
    response = client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert response.url == reverse("duty:swaps", args=[duty.community.pk])
    mine.refresh_from_db()
    assert mine.person == duty.people[4] and mine.source == AssignmentSource.SWAP
    page = client.get(response.url).content.decode()
    assert 'data-testid="swap-decided"' in page


def test_approving_a_swap_that_breaks_a_rule_says_which(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    tired = duty.people[5]
    put(roster, duty.gate, "N", TUESDAY, tired)
    swap = _ask(world, mine, tired)
    client.force_login(world.community_staff)
    response = client.post(
        reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve"}, follow=True
    )
    swap.refresh_from_db()
    assert swap.status == SwapStatus.REFUSED
    html = response.content.decode()
    assert tired.name in html and 'data-testid="swap-kept-problems"' in html


def test_staff_refuse_a_swap(world, duty, roster, client):
    swap = _ask(world, put(roster, duty.gate, "D", TUESDAY, duty.volunteer), duty.people[4])
    client.force_login(world.street_officer)
    client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "refuse"})
    swap.refresh_from_db()
    assert swap.status == SwapStatus.REFUSED


def test_the_person_asks_for_a_swap_from_their_shift(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    theirs = put(roster, duty.gate, "D", TUESDAY + 2 * DAY, duty.people[4])
    client.force_login(world.volunteer)
    url = reverse("duty:swap_new", args=[mine.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert duty.people[4].name in page.content.decode()
    key = str(uuid.uuid4())
    data = {
        "partner": duty.people[4].pk,
        "partner_assignment": theirs.pk,
        "reason": "孩子生病",
        "client_uuid": key,
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == url
    swap = Swap.objects.get()
    assert (swap.partner, swap.partner_assignment, swap.reason) == (
        duty.people[4],
        theirs,
        "孩子生病",
    )
    # The same form sent twice keeps one swap.
    client.post(url, data)
    assert Swap.objects.count() == 1
    assert 'data-testid="swap-withdraw"' in client.get(url).content.decode()


def test_a_swap_with_the_wrong_partner_shift_is_a_field_error(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    other = put(roster, duty.gate, "D", TUESDAY + 2 * DAY, duty.people[6])
    client.force_login(world.volunteer)
    response = client.post(
        reverse("duty:swap_new", args=[mine.pk]),
        {
            "partner": duty.people[4].pk,
            "partner_assignment": other.pk,
            "client_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert not Swap.objects.exists()


def test_the_person_withdraws_their_swap(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap = _ask(world, mine, duty.people[4])
    client.force_login(world.volunteer)
    response = client.post(reverse("duty:swap_withdraw", args=[swap.pk]), {"confirm": "1"})
    assert response.status_code == 302
    swap.refresh_from_db()
    assert swap.status == SwapStatus.WITHDRAWN


def test_a_decided_swap_cannot_be_withdrawn(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap = swap_approve(actor=world.community_staff, swap=_ask(world, mine, duty.people[4]))
    client.force_login(world.volunteer)
    client.post(reverse("duty:swap_withdraw", args=[swap.pk]), {"confirm": "1"})
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED


def test_staff_handle_a_sick_call_in_two_taps(world, duty, frozen, client):
    roster = full_roster(duty.community, MONDAY, SUNDAY)
    shift = roster.assignments.filter(date=MONDAY + 3 * DAY).order_by("starts_at").first()
    client.force_login(world.community_staff)
    url = reverse("duty:sick_call", args=[shift.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="sick-button"' in page
    # Tap one: sick.
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    shift.refresh_from_db()
    candidates = replacements_for(shift)
    assert page.count('data-testid="sick-candidate"') == len(candidates) > 0
    assert 'data-testid="sick-score"' in page
    first = candidates[0].person
    assert page.index(first.name) < page.index(candidates[-1].person.name) or len(candidates) == 1
    # Tap two: a name.
    response = client.post(reverse("duty:cover", args=[shift.pk]), {"person": first.pk})
    assert response.status_code == 302
    cover = Assignment.objects.get(source=AssignmentSource.COVER)
    assert cover.person == first and cover.date == shift.date
    assert 'data-testid="sick-covered"' in client.get(url).content.decode()


def test_a_second_cover_tap_is_told_the_shift_is_covered(world, duty, frozen, client):
    roster = full_roster(duty.community, MONDAY, SUNDAY)
    shift = roster.assignments.filter(date=MONDAY + 3 * DAY).order_by("starts_at").first()
    client.force_login(world.community_staff)
    client.post(reverse("duty:sick_call", args=[shift.pk]), {"confirm": "1"})
    shift.refresh_from_db()
    first, second = replacements_for(shift)[:2]
    cover_url = reverse("duty:cover", args=[shift.pk])
    client.post(cover_url, {"person": first.person.pk})
    response = client.post(cover_url, {"person": second.person.pk}, follow=True)
    html = response.content.decode()
    assert str(ERR_COVERED % {"names": first.person.name}) in html
    assert Assignment.objects.filter(source=AssignmentSource.COVER).count() == 1


def test_the_person_calls_in_sick_and_is_told_staff_will_find_cover(world, duty, roster, client):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    client.force_login(world.volunteer)
    url = reverse("duty:sick_call", args=[mine.pk])
    client.post(url, {"confirm": "1"})
    page = client.get(url).content.decode()
    assert 'data-testid="sick-told"' in page and 'data-testid="sick-candidate"' not in page


def test_when_nobody_can_cover_the_page_says_so_and_suggests_solving_again(
    world, duty, roster, client
):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    for person in duty.people:
        if person != duty.volunteer:
            Absence.objects.create(
                person=person, kind=AbsenceKind.LEAVE, starts_on=MONDAY, ends_on=SUNDAY
            )
    client.force_login(world.community_staff)
    url = reverse("duty:sick_call", args=[mine.pk])
    client.post(url, {"confirm": "1"})
    assert 'data-testid="sick-nobody"' in client.get(url).content.decode()
