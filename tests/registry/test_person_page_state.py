"""A person's page tells their current state: observation, open alerts, pass, self-report
link; and it offers only the actions that can apply."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.alerts.models import Cause
from shoumen.alerts.services import alert_raise
from shoumen.checkpoints.services import pass_issue
from shoumen.observation.links import report_link_issue
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request with a language cookie leaves that language active in the thread."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def isolate(world, person, *, days_ago=13):
    starts_on = NOW.date() - datetime.timedelta(days=days_ago)
    return observation_start(
        actor=world.admin_user,
        person=person,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=starts_on,
    )


def page(client, person, language="zh-hans"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("registry:person", args=[person.pk])).content.decode()


def test_person_on_the_last_day_of_isolation_shows_kind_day_and_responsible_worker(world, login):
    obs = isolate(world, world.shan)
    html = page(login(world.grid_worker), world.shan)
    assert 'data-testid="observation-state"' in html
    assert f"{obs.day_number(NOW.date())}" in html and f"{obs.period_days}" in html
    assert obs.get_kind_display() in html
    assert str(obs.responsible) in html
    english = page(login(world.grid_worker), world.shan, "en")
    assert f"day {obs.day_number(NOW.date())} of {obs.period_days}" in english


def test_person_under_observation_is_not_offered_to_start_another(world, login):
    isolate(world, world.shan)
    html = page(login(world.community_staff), world.shan)
    assert 'data-testid="start-observation"' not in html
    assert reverse("observation:start", args=[world.shan.pk]) not in html


def test_person_not_under_observation_is_offered_to_start_one(world, login):
    html = page(login(world.community_staff), world.shan)
    assert 'data-testid="start-observation"' in html


def test_person_without_a_pass_is_not_offered_to_revoke_it(world, login):
    html = page(login(world.community_staff), world.shan)
    assert 'data-testid="person-pass"' in html
    assert 'data-testid="revoke"' not in html
    assert 'data-testid="issue"' in html


def test_pass_of_an_isolated_person_shows_revoked_and_not_issued(world, login):
    isolate(world, world.shan)
    pass_issue(actor=world.community_staff, person=world.shan)
    html = page(login(world.community_staff), world.shan, "en")
    status = html.split('data-testid="pass-status"', 1)[1].split("</p>", 1)[0]
    assert "Revoked" in status and "Under isolation" in status
    assert "text-bg-success" not in status
    history = html.split('data-testid="pass-history"', 1)[1].split("</ol>", 1)[0]
    words = re.sub(r"<[^>]+>", "", history)
    assert "Pass issued" in words and "pass.issue" not in words


def test_person_with_an_open_alert_shows_it(world, login):
    alert, _created = alert_raise(person=world.shan, cause=Cause.FEVER, details={})
    html = page(login(world.grid_worker), world.shan, "en")
    assert 'data-testid="person-alerts"' in html
    assert reverse("alerts:detail", args=[alert.pk]) in html
    assert "Fever" in html


def test_person_without_open_alerts_shows_no_alert_panel(world, login):
    assert 'data-testid="person-alerts"' not in page(login(world.grid_worker), world.shan)


def test_person_with_a_self_report_link_shows_it(world, login):
    isolate(world, world.shan)
    report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    html = page(login(world.grid_worker), world.shan, "en")
    link_part = html.split('data-testid="self-report-link"', 1)[1].split("</p>", 1)[0]
    assert reverse("links:person", args=[world.shan.pk]) in link_part
    assert "valid until" in link_part


def test_person_page_query_count_does_not_grow_with_state(
    world, login, django_assert_max_num_queries
):
    client = login(world.community_staff)
    page(client, world.shan)  # warm the session and caches
    isolate(world, world.shan)
    pass_issue(actor=world.community_staff, person=world.shan)
    alert_raise(person=world.shan, cause=Cause.FEVER, details={})
    alert_raise(person=world.shan, cause=Cause.RED_FLAG, details={})
    report_link_issue(actor=world.grid_worker, holder=world.shan, subjects=[world.shan])
    # One of them the resident services panel's (their requests, none here), one the
    # health centre's (their contract and the elderly check, none here).
    with django_assert_max_num_queries(14):
        page(client, world.shan)


def test_registry_panels_module_imports_no_higher_app():
    import ast
    import pathlib

    import shoumen.registry.panels as panels

    tree = ast.parse(pathlib.Path(panels.__file__).read_text())
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ]
    higher = ("shoumen.observation", "shoumen.alerts", "shoumen.checkpoints")
    assert not [m for m in imported if m.startswith(higher)]


def test_issuing_a_pass_to_an_isolated_person_says_it_does_not_open_the_gate(world, login):
    isolate(world, world.shan)
    client = login(world.community_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("checkpoints:person_pass_issue", args=[world.shan.pk]), follow=True
    )
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown == [
        ("warning", "The pass was issued (version 1) but does not open the gate: Under isolation.")
    ]
