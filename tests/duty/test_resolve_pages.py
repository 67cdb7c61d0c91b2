"""The re-solve pages: on a sick call no one can cover alone, staff tap "re-solve around
the absence" (offered second when someone can), see which shifts change hands, and apply
or discard with one tap; the person on the shift and roles managing no duty cannot. The
pages are asserted in English."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from shoumen.duty.cover_services import sick_call
from shoumen.duty.models import Resolve, ResolveStatus
from tests.duty.conftest import MONDAY, NOW
from tests.duty.resolve_rows import TUESDAY, small_roster
from tests.duty.swap_rows import full_roster

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
THURSDAY = TUESDAY + 2 * DAY


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sick(world, immediate_tasks, frozen):
    small = small_roster(world)
    row = small.roster.assignments.get(person=small.people["A"], date=THURSDAY, shift__code="D")
    return sick_call(actor=world.community_staff, assignment=row)


def _start(client, sick):
    return client.post(reverse("duty:resolve_start", args=[sick.pk]), {"confirm": "1"})


def test_with_no_one_to_cover_the_re_solve_is_the_offered_action(world, sick, client):
    client.force_login(world.community_staff)
    html = client.get(reverse("duty:sick_call", args=[sick.pk])).content.decode()
    assert 'data-testid="sick-nobody"' in html
    assert 'data-testid="sick-resolve-button"' in html and "btn-lg" in html


def test_with_someone_to_cover_the_re_solve_is_the_second_choice(world, duty, frozen, client):
    roster = full_roster(duty.community, MONDAY, MONDAY + 6 * DAY)
    row = roster.assignments.filter(date=THURSDAY).order_by("starts_at", "pk").first()
    sick_call(actor=world.community_staff, assignment=row)
    client.force_login(world.community_staff)
    html = client.get(reverse("duty:sick_call", args=[row.pk])).content.decode()
    assert 'data-testid="sick-candidate"' in html
    assert "btn-outline-primary" in html and 'data-testid="sick-resolve-button"' in html


def test_staff_re_solve_see_the_changes_and_apply_them(world, sick, client):
    client.force_login(world.community_staff)
    response = _start(client, sick)
    resolve = Resolve.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:resolve", args=[resolve.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'data-status="ready"' in html
    changes = len({(e["post"], e["date"], e["shift"]) for e in resolve.dropped + resolve.added})
    assert html.count('data-testid="resolve-change"') == changes
    assert "+值班" in html and "−值班" in html
    response = client.post(reverse("duty:resolve_apply", args=[resolve.pk]), {"confirm": "1"})
    assert response.status_code == 302
    resolve.refresh_from_db()
    assert resolve.status == ResolveStatus.APPLIED
    html = client.get(reverse("duty:resolve", args=[resolve.pk])).content.decode()
    assert 'data-testid="resolve-applied"' in html
    assert 'data-testid="resolve-apply"' not in html
    # The sick call's page leads back to it.
    html = client.get(reverse("duty:sick_call", args=[sick.pk])).content.decode()
    assert reverse("duty:resolve", args=[resolve.pk]) in html


def test_discarding_leaves_the_roster_as_it_was(world, sick, client):
    client.force_login(world.community_staff)
    _start(client, sick)
    resolve = Resolve.objects.get()
    client.post(reverse("duty:resolve_discard", args=[resolve.pk]), {"confirm": "1"})
    resolve.refresh_from_db()
    assert resolve.status == ResolveStatus.DISCARDED
    assert sick.roster.assignments.filter(absent=False).count() == 7


def test_a_running_re_solve_polls_its_own_page(world, sick, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world.community_staff)
    _start(client, sick)
    _start(client, sick)
    resolve = Resolve.objects.get()
    html = client.get(reverse("duty:resolve", args=[resolve.pk])).content.decode()
    assert 'data-testid="resolve-running"' in html
    assert f'hx-get="{reverse("duty:resolve", args=[resolve.pk])}"' in html


def test_no_roster_found_is_said_with_the_short_shift(world, sick, client):
    from shoumen.duty.models import Absence, AbsenceKind

    Absence.objects.create(
        person=sick.roster.assignments.get(date=TUESDAY, shift__code="D").person,
        kind=AbsenceKind.LEAVE,
        starts_on=THURSDAY,
        ends_on=THURSDAY,
    )
    client.force_login(world.community_staff)
    _start(client, sick)
    resolve = Resolve.objects.get()
    html = client.get(reverse("duty:resolve", args=[resolve.pk])).content.decode()
    assert 'data-testid="resolve-shortfalls"' in html and "测试监测点" in html
    assert 'data-testid="resolve-apply"' not in html


def test_the_person_on_the_shift_cannot_re_solve(world, sick, client):
    client.force_login(world.grid_worker)  # 值班A, who called in sick
    assert _start(client, sick).status_code == 403
    assert not Resolve.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("grid_worker", 403), ("outsider", 404)])
def test_others_cannot_open_apply_or_discard_a_re_solve(world, sick, client, persona, status):
    client.force_login(world.community_staff)
    _start(client, sick)
    resolve = Resolve.objects.get()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("duty:resolve", args=[resolve.pk])).status_code == status
    for name in ("duty:resolve_apply", "duty:resolve_discard"):
        response = client.post(reverse(name, args=[resolve.pk]), {"confirm": "1"})
        assert response.status_code == status
    resolve.refresh_from_db()
    assert resolve.status == ResolveStatus.READY
