"""History pages show words, not codes or ids, in both languages; ids are named in bulk."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.audit.labels import describe
from shoumen.audit.models import AuditEvent
from shoumen.audit.services import audit_event_record
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_start
from shoumen.registry.models import Household

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


def history_text(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(url).content.decode()
    part = html.split('data-testid="history"', 1)[1].split("</ol>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def start(world):
    return observation_start(
        actor=world.admin_user,
        person=world.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=NOW.date(),
    )


@pytest.mark.parametrize(
    ("language", "kind", "reason", "responsible"),
    [("en", "Kind", "Reason", "Responsible worker"), ("zh-hans", "管控类型", "理由", "责任人")],
)
def test_observation_history_names_kind_reason_and_responsible_worker(
    world, login, language, kind, reason, responsible
):
    obs = start(world)
    url = reverse("observation:detail", args=[obs.pk])
    text = history_text(login(world.community_staff), url, language)
    assert "home_monitoring" not in text and "close_contact" not in text
    assert "observation.start" not in text
    assert f"{responsible} : {obs.responsible}" in text
    with translation.override(language):
        assert f"{kind} : {Kind.HOME_MONITORING.label}" in text
        assert f"{reason} : {Reason.CLOSE_CONTACT.label}" in text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_person_history_names_households_not_ids_and_labels_import_actions(world, login, language):
    old, new = world.household_a, Household.objects.exclude(pk=world.household_a.pk).first()
    audit_event_record(
        actor=world.admin_user,
        action="person.import.update",
        target=world.shan,
        org_path=world.shan.grid.path,
        changes={"household": [old.pk, new.pk]},
    )
    url = reverse("registry:person_history", args=[world.shan.pk])
    text = history_text(login(world.grid_worker), url, language)
    assert "person.import.update" not in text
    assert f"{old.label} → {new.label}" in text
    assert f"{old.pk} → {new.pk}" not in text
    if language == "en":
        assert "Changed by a ledger import" in text


def test_history_names_ids_in_one_query_per_referred_model(world, django_assert_max_num_queries):
    households = list(Household.objects.all()[:2])
    for _n in range(10):
        audit_event_record(
            actor=world.admin_user,
            action="person.import.update",
            target=world.shan,
            org_path=world.shan.grid.path,
            changes={"household": [households[0].pk, households[1].pk]},
        )
    start(world)
    events = list(
        AuditEvent.objects.filter(
            target_type__in=["registry.person", "observation.observation"],
            action__in=["person.import.update", "observation.start"],
        )
    )
    assert len(events) == 11
    # Households (one query, with their buildings) and users (one query).
    with django_assert_max_num_queries(2):
        entries = describe(events)
    assert all("#" not in str(row.new) for entry in entries for row in entry.rows)


def test_a_call_in_a_person_s_history_reads_in_words(world, login):
    audit_event_record(
        actor=world.grid_worker,
        action="person.call",
        target=world.shan,
        org_path=world.shan.grid.path,
    )
    url = reverse("registry:person_history", args=[world.shan.pk])
    text = history_text(login(world.grid_worker), url, "en")
    assert "Called by the responsible worker" in text and "person.call" not in text


def test_a_value_left_blank_is_not_listed_as_a_change(world):
    event = audit_event_record(
        actor=world.admin_user,
        action="person.register",
        target=world.shan,
        org_path=world.shan.grid.path,
        changes={"notes": [None, ""], "name": [None, "单明"]},
    )
    (entry,) = describe([event])
    assert [row.label for row in entry.rows] == [str(entry.rows[0].label)]
    assert entry.rows[0].new == "单明"
