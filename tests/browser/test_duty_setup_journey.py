"""On a phone: community staff set their duty up: a post for the north gate's checkpoint in
one tap, a duty room with the 2 × 12 h pattern and two people on Saturdays' nights, a new
volunteer with a phone (shown masked) and a week of leave."""

import pytest

from shoumen.accounts.models import User
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import Absence, DutyPerson, Post
from shoumen.places.models import OrgUnit
from tests.browser.test_follow_up_journey import log_in
from tests.personas import build_world

pytestmark = pytest.mark.browser
PHONE = "13912345678"


@pytest.fixture
def community(transactional_db):
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    c1 = OrgUnit.objects.get(code="C1")
    Checkpoint.objects.create(community=c1, name="北门")
    return c1


def test_staff_set_up_posts_shifts_a_volunteer_and_leave_on_a_phone(
    live_server,
    phone,
    community,
):
    log_in(phone, live_server, "community_staff")
    phone.goto(f"{live_server.url}/duty/unit/{community.pk}/posts/")
    phone.locator("[data-testid=empty]").wait_for()
    phone.click("[data-testid=posts-from-checkpoints] button")
    phone.locator("[data-testid=post-card]").wait_for()
    assert Post.objects.get(name="北门").shifts.count() == 3

    phone.click("[data-testid=post-add]")
    phone.fill("#id_name", "值班室")
    phone.select_option("#id_kind", "duty_room")
    phone.check("input[name=pattern][value=two_twelves]")
    phone.click("[data-testid=post-form] button[type=submit]")
    phone.locator("[data-testid=shift-form]").first.wait_for()
    # The night shift (the second) needs two people on Saturdays.
    phone.fill("#id_shifts-1-day_5", "2")
    phone.click("[data-testid=post-form] button[type=submit]")
    phone.locator("[data-testid=post-card]").nth(1).wait_for()
    night = Post.objects.get(name="值班室").shifts.get(code="N")
    assert night.headcount_by_day == {"5": 2} and night.is_night

    phone.goto(f"{live_server.url}/duty/unit/{community.pk}/people/")
    phone.click("[data-testid=add-volunteer]")
    phone.fill("#id_name", "刘洋")
    phone.fill("#id_phone", PHONE)
    phone.fill("#id_birth_year", "1990")
    phone.click("[data-testid=person-form] button[type=submit]")
    phone.locator("[data-testid=masked-phone]").wait_for()
    assert phone.locator("[data-testid=masked-phone]").inner_text() == "139****5678"
    assert PHONE not in phone.content()

    phone.fill("#id_starts_on", "2026-12-20")
    phone.fill("#id_ends_on", "2026-12-26")
    phone.click("[data-testid=absence-form] button[type=submit]")
    phone.get_by_text("2026-12-20").wait_for()
    person = DutyPerson.objects.get(name="刘洋")
    assert Absence.objects.filter(person=person).count() == 1
