"""Only current residents get a checkpoint pass: one who moved out, died or whose record
was merged into another is refused with the reason, and no pass or audit event is written."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.checkpoints.models import Pass
from shoumen.checkpoints.services import ERR_NOT_RESIDENT, pass_issue
from shoumen.registry.models import Status
from shoumen.registry.services import person_set_status
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


def _no_longer_resident(world, status):
    return person_set_status(
        actor=world.admin_user,
        person=world.zeng,
        status=status,
        reason="核实",
        on_date=datetime.date(2026, 11, 1),
    )


@pytest.mark.parametrize("status", [Status.MOVED_OUT, Status.DECEASED])
def test_a_person_who_is_no_longer_resident_gets_no_pass(world, status):
    person = _no_longer_resident(world, status)
    with nothing_written(), pytest.raises(ValidationError) as refused:
        pass_issue(actor=world.grid_worker, person=person)
    assert refused.value.messages == [str(ERR_NOT_RESIDENT)]
    assert not Pass.objects.filter(person=person).exists()


def test_a_pass_is_not_reissued_after_its_holder_moved_out(world):
    first = pass_issue(actor=world.grid_worker, person=world.zeng)
    person = _no_longer_resident(world, Status.MOVED_OUT)
    version = Pass.objects.get(pk=first.pk).version
    with nothing_written(), pytest.raises(ValidationError):
        pass_issue(actor=world.grid_worker, person=person)
    assert Pass.objects.get(pk=first.pk).version == version


def test_the_person_page_says_why_no_pass_was_issued(world, client):
    person = _no_longer_resident(world, Status.MOVED_OUT)
    client.force_login(world.grid_worker)
    with nothing_written():
        response = client.post(reverse("checkpoints:person_pass_issue", args=[person.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [str(ERR_NOT_RESIDENT)]
    assert not Pass.objects.filter(person=person).exists()
