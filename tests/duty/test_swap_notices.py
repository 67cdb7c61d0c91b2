"""Notifications of swaps and sick calls read in each reader's language once their texts
are registered at start-up, and every audit action of the part has words."""

import datetime
import uuid

import pytest
import time_machine
from django.utils import translation

from shoumen.alerts.models import Notification
from shoumen.duty import swap_services
from shoumen.duty.cover_services import sick_call
from shoumen.duty.swap_services import swap_request
from tests.duty.conftest import MONDAY, NOW
from tests.duty.swap_rows import published, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_swap_notices_read_in_the_readers_language(world, duty):
    swap_services.register()
    with time_machine.travel(NOW, tick=False):
        roster = published(duty.community, MONDAY, MONDAY + 6 * DAY)
        mine = put(roster, duty.gate, "D", MONDAY + DAY, duty.volunteer)
        swap_request(
            actor=world.volunteer,
            assignment=mine,
            partner=duty.staff,
            client_uuid=uuid.uuid4(),
        )
        other = put(roster, duty.gate, "E", MONDAY + 2 * DAY, duty.volunteer)
        sick_call(actor=world.volunteer, assignment=other)
    notes = Notification.objects.filter(recipient=world.community_staff).order_by("pk")
    with translation.override("en"):
        texts = [n.title_text for n in notes]
    assert texts == [
        "Swap request: 志愿者小李 asks 社区工作人员 to take 北门卡点 2026-03-03 白班",
        "Sick call: 志愿者小李 cannot stand 北门卡点 2026-03-04 晚班",
    ]


def test_every_swap_and_sick_call_action_has_words():
    assert set(swap_services.ACTION_LABELS) == {
        "swap.request",
        "swap.approve",
        "swap.refuse",
        "swap.withdraw",
        "assignment.sick_call",
        "assignment.cover",
    }
