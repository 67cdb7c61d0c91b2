"""Per-address limits on the pages that need no login: visitor self-registration (/v/<key>/)
and the self-report link (/r/<token>/)."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shoumen.checkpoints.models import Checkpoint, Visitor
from shoumen.lib.throttle import MSG_TOO_MANY, MSG_TRY_AGAIN, client_ip
from shoumen.observation.links import report_link_issue, report_link_token
from shoumen.observation.models import Kind, Reason, Slot
from shoumen.observation.services import observation_start

TZ = datetime.timezone(datetime.timedelta(hours=8))
# The limits count in windows of the rate's period: frozen time keeps a test in one window.
NOW = datetime.datetime(2026, 11, 20, 9, 30, 5, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PUBLIC_POST_RATE = "3/m"
    settings.PUBLIC_PROBE_RATE = "2/m"


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


@pytest.fixture
def visitor_url(gate):
    return reverse("checkpoints:visitor_self", args=[gate.visitor_key])


@pytest.fixture
def report_url(world):
    observation_start(
        actor=world.admin_user,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=NOW.date(),
    )
    link = report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    return reverse("links:self_report", args=[report_link_token(link)])


def _visitor(world, name="访客甲"):
    return {
        "client_uuid": str(uuid.uuid4()),
        "name": name,
        "phone": "139 1234 5678",
        "building": world.building_a.pk,
        "unit": "2",
        "door_number": "301",
        "visiting": "",
        "reason": "探望老人",
        "temperature": "36.6",
    }


def _report():
    return {
        "subject": "0",
        "s0-slot": Slot.MORNING,
        "s0-temperature": "36.5",
        "s0-client_uuid": str(uuid.uuid4()),
    }


def _assert_refused(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert escape(str(MSG_TOO_MANY)) in text
    # The period's window ends within the minute: come back after the next minute starts.
    assert (
        escape(str(MSG_TRY_AGAIN % {"time": "09:31"})) in text
        or escape(str(MSG_TRY_AGAIN % {"time": "09:32"})) in text
    )
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "no-store" in response["Cache-Control"]


def test_visitors_registering_within_the_limit_are_not_refused(world, client, visitor_url):
    for i in range(3):
        assert client.get(visitor_url).status_code == 200
        response = client.post(visitor_url, _visitor(world, name=f"访客{i}"))
        assert response.status_code == 200
    assert Visitor.objects.count() == 3


def test_self_registration_posts_over_the_limit_get_429_and_store_nothing(
    world, client, visitor_url
):
    for i in range(3):
        client.post(visitor_url, _visitor(world, name=f"访客{i}"))
    _assert_refused(client.post(visitor_url, _visitor(world, name="访客多")))
    assert Visitor.objects.count() == 3
    # Another address is counted apart.
    other = client.post(visitor_url, _visitor(world, name="访客乙"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert Visitor.objects.count() == 4


def test_the_post_limit_lifts_when_the_period_is_over(world, client, visitor_url, frozen):
    for i in range(4):
        client.post(visitor_url, _visitor(world, name=f"访客{i}"))
    frozen.shift(datetime.timedelta(minutes=1))
    assert client.post(visitor_url, _visitor(world, name="访客晚")).status_code == 200


def test_self_report_posts_over_the_limit_get_429(world, client, report_url):
    for _ in range(3):
        assert client.post(report_url, _report()).status_code == 302
    _assert_refused(client.post(report_url, _report()))


def test_probing_unknown_visitor_keys_is_refused_then_even_a_valid_key(client, visitor_url, gate):
    for _ in range(2):
        assert client.get(reverse("checkpoints:visitor_self", args=[uuid.uuid4()])).status_code == (
            404
        )
    _assert_refused(client.get(reverse("checkpoints:visitor_self", args=[uuid.uuid4()])))
    # Over the limit, a valid key answers the same: the answer tells nothing.
    _assert_refused(client.get(visitor_url))
    assert client.get(visitor_url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_probing_counts_across_both_public_pages(client, report_url):
    assert client.get(reverse("links:self_report", args=["forged"])).status_code == 404
    assert client.get(reverse("checkpoints:visitor_self", args=[uuid.uuid4()])).status_code == 404
    _assert_refused(client.get(reverse("links:self_report", args=["forged-again"])))
    _assert_refused(client.get(report_url))


def test_opening_a_valid_page_again_and_again_is_not_limited(client, visitor_url, report_url):
    for _ in range(10):
        assert client.get(visitor_url).status_code == 200
        assert client.get(report_url).status_code == 200


def test_behind_a_proxy_clients_are_told_apart_by_the_configured_header(
    settings, world, client, visitor_url
):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    for i in range(3):
        client.post(visitor_url, _visitor(world, name=f"访客{i}"), HTTP_X_REAL_IP="203.0.113.7")
    _assert_refused(client.post(visitor_url, _visitor(world), HTTP_X_REAL_IP="203.0.113.7"))
    # Same proxy address (REMOTE_ADDR), another client.
    response = client.post(visitor_url, _visitor(world), HTTP_X_REAL_IP="203.0.113.8")
    assert response.status_code == 200


def test_the_refusal_page_is_in_chinese_by_default_and_in_english_when_chosen(client, settings):
    with translation.override("zh-hans"):
        chinese = escape(str(MSG_TOO_MANY))
    with translation.override("en"):
        english = escape(str(MSG_TOO_MANY))
    assert chinese != english
    for _ in range(3):
        client.get(reverse("links:self_report", args=["forged"]))
    assert chinese in client.get(reverse("links:self_report", args=["x"])).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english in client.get(reverse("links:self_report", args=["x"])).content.decode()


def test_the_client_address_is_the_last_forwarded_one_and_garbage_is_ignored(settings, rf):
    settings.CLIENT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    forwarded = rf.get("/", HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.4", REMOTE_ADDR="127.0.0.1")
    assert client_ip(forwarded) == "198.51.100.4"
    garbage = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="127.0.0.1")
    assert client_ip(garbage) == "127.0.0.1"
