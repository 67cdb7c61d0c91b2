"""The class checks' list pages read in a fixed number of queries, however many classes
and pupils a school has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shoumen.schools.setup_services import class_create, pupil_create

pytestmark = pytest.mark.django_db


def _queries(client, name, args) -> int:
    client.get(reverse(name, args=args))  # warm the per-user caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name, args=args)).status_code == 200
    return len(captured.captured_queries)


def _grow(world):
    for i in range(4):
        klass = class_create(
            actor=world.admin_user, school=world.school, code=f"KX{i}", name=f"二年级{i}班", grade=2
        )
        for j in range(5):
            pupil_create(actor=world.admin_user, klass=klass, name=f"学生{i}{j}", sex="F")
    for j in range(10):
        pupil_create(actor=world.admin_user, klass=world.class_a, name=f"新生{j}", sex="M")


@pytest.mark.parametrize(
    ("persona", "name", "args"),
    [
        ("school_doctor", "schools:my_classes", lambda w: []),
        ("education_officer", "schools:my_classes", lambda w: []),
        ("principal", "schools:school", lambda w: [w.school.pk]),
        ("teacher", "schools:class_today", lambda w: [w.class_a.pk]),
        ("teacher", "schools:check_new", lambda w: [w.class_a.pk, "morning"]),
        ("school_doctor", "schools:class_pupils", lambda w: [w.class_a.pk]),
    ],
)
def test_list_pages_do_not_read_more_with_more_classes_and_pupils(
    world, client, persona, name, args
):
    client.force_login(getattr(world, persona))
    before = _queries(client, name, args(world))
    _grow(world)
    assert _queries(client, name, args(world)) == before
    assert before <= 15
