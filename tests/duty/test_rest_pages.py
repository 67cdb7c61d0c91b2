"""The rest watch pages: the community's table (flagged first, a button each), one person's
figures and notices, the rest notice form and its PDF, persona by persona."""

import io

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from shoumen.audit.models import AuditEvent
from shoumen.duty.models import Absence, DutyPerson, RestNotice
from shoumen.duty.rest_services import ERR_FROM_PAST
from shoumen.duty.rest_views import MSG_STILL_ON_ROSTER
from shoumen.registry.models import Volunteer
from tests.duty.conftest import MONDAY, NOW
from tests.duty.rest_helpers import DAY, days_up_to, published, shift_of, work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roster(duty):
    roster = published(duty.community, MONDAY - 20 * DAY, MONDAY + 20 * DAY)
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    work(roster, duty.people[2], shift_of(duty.gate, "E"), days_up_to(MONDAY, 3))
    return roster


def _rest(client, duty):
    return client.get(reverse("duty:rest", args=[duty.community.pk]))


def test_rest_watch_shows_flagged_people_first_with_a_notice_button(duty, roster, login, world):
    response = _rest(login(world.community_staff), duty)
    assert response.status_code == 200
    html = response.content.decode()
    flagged = html.index('data-testid="rest-row-flagged"')
    assert flagged < html.index('data-testid="rest-row"')
    assert html.count('data-testid="rest-row-flagged"') == 1
    assert html.count('data-testid="rest-notice-button"') == len(duty.people)
    new_notice = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    assert html.index(new_notice) < html.index('data-testid="rest-row"')
    assert "志愿者小李" in html[flagged : html.index('data-testid="rest-row"')]


def test_rest_watch_says_when_nobody_is_past_the_limit(duty, login, world):
    html = _rest(login(world.community_staff), duty).content.decode()
    assert 'data-testid="rest-flagged-empty"' in html


def test_rest_watch_page_reads_in_fixed_queries(
    duty, roster, login, world, django_assert_max_num_queries
):
    for i in range(10):
        v = Volunteer.objects.create(community=duty.community, name=f"加班{i}")
        person = DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)
        work(roster, person, shift_of(duty.monitoring, "N"), days_up_to(MONDAY, 8))
        RestNotice.objects.create(
            person=person, days_without_rest=8, rest_from=MONDAY + DAY, rest_to=MONDAY + DAY
        )
    client = login(world.community_staff)
    _rest(client, duty)  # the session is stamped on the first request
    with django_assert_max_num_queries(10):
        assert _rest(client, duty).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [("community_staff", 200), ("street_officer", 200), ("outsider", 404), ("volunteer", 403)],
)
def test_rest_watch_access(duty, login, world, persona, status):
    assert _rest(login(getattr(world, persona)), duty).status_code == status


def test_the_person_on_duty_sees_their_own_rest_page(duty, roster, login, world):
    response = login(world.volunteer).get(reverse("duty:person_rest", args=[duty.volunteer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="rest-days">9' in html
    assert 'data-testid="rest-notice-button"' not in html  # they do not issue notices


def test_a_volunteer_does_not_see_someone_elses_rest_page(duty, roster, login, world):
    other = duty.people[2]
    response = login(world.volunteer).get(reverse("duty:person_rest", args=[other.pk]))
    assert response.status_code == 404


def test_the_notice_form_suggests_the_next_two_days(duty, roster, login, world):
    url = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    response = login(world.community_staff).get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["rest_from"].value() == MONDAY + DAY
    assert form["rest_to"].value() == MONDAY + 2 * DAY


def test_issuing_a_notice_from_the_form_goes_to_the_persons_page(duty, roster, login, world):
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), [MONDAY + DAY, MONDAY + 2 * DAY])
    client = login(world.community_staff)
    url = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    response = client.post(url, {"rest_from": "2026-03-03", "rest_to": "2026-03-04"})
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:person_rest", args=[duty.volunteer.pk])
    notice = RestNotice.objects.get()
    assert Absence.objects.get().starts_on == notice.rest_from
    page = client.get(response["Location"]).content.decode()
    assert reverse("duty:rest_notice_pdf", args=[notice.pk]) in page
    # The published roster still holds their shifts on those days: they are told.
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("志愿者小李" in m for m in messages)
    assert str(MSG_STILL_ON_ROSTER % {"count": 2}) in messages


def test_a_notice_with_a_past_day_is_refused_on_the_form(duty, roster, login, world):
    client = login(world.community_staff)
    url = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    response = client.post(url, {"rest_from": "2026-03-01", "rest_to": "2026-03-04"})
    assert response.status_code == 400
    assert response.context["form"].errors["rest_from"] == [str(ERR_FROM_PAST)]
    assert not RestNotice.objects.exists()


def test_the_rest_watch_shows_the_rest_ordered(duty, roster, login, world):
    client = login(world.community_staff)
    url = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    client.post(url, {"rest_from": "2026-03-03", "rest_to": "2026-03-04"})
    assert 'data-testid="rest-row-notice"' in _rest(client, duty).content.decode()


def _notice(duty, world):
    return RestNotice.objects.create(
        person=duty.volunteer,
        days_without_rest=9,
        rest_from=MONDAY + DAY,
        rest_to=MONDAY + 2 * DAY,
        issued_by=world.community_staff,
    )


@pytest.mark.parametrize("persona", ["community_staff", "volunteer"])
def test_the_rest_notice_pdf_downloads_for_staff_and_the_person(
    duty, roster, login, world, persona
):
    notice = _notice(duty, world)
    user = getattr(world, persona)
    response = login(user).get(reverse("duty:rest_notice_pdf", args=[notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().replace(" ", "")
    assert "休假通知书" in text and "志愿者小李" in text
    event = AuditEvent.objects.get(action="rest_notice.download")
    assert event.actor == user


def test_someone_elses_rest_notice_pdf_is_not_found(duty, roster, login, world):
    notice = RestNotice.objects.create(
        person=duty.people[2], days_without_rest=3, rest_from=MONDAY, rest_to=MONDAY
    )
    response = login(world.volunteer).get(reverse("duty:rest_notice_pdf", args=[notice.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="rest_notice.download").exists()


def test_the_notice_form_speaks_the_readers_language(duty, roster, login, world):
    url = reverse("duty:rest_notice_new", args=[duty.volunteer.pk])
    client = login(world.community_staff)
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "At most 14 days." in english and "At most 14 days." not in chinese
