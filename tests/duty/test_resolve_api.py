"""The re-solve over the API: staff start it from the sick call's shift (201, then 200 for
the same roster as it is), read the shifts that change hands and apply them."""

import datetime

import pytest
import time_machine

from shoumen.accounts.services import api_token_create
from shoumen.duty.cover_services import sick_call
from shoumen.duty.models import ResolveStatus
from tests.duty.conftest import NOW
from tests.duty.resolve_rows import TUESDAY, small_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world):
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_staff_re_solve_read_and_apply_over_the_api(world, immediate_tasks, api):
    with time_machine.travel(NOW, tick=False):
        small = small_roster(world)
        thursday = TUESDAY + datetime.timedelta(days=2)
        row = small.roster.assignments.get(person=small.people["A"], date=thursday, shift__code="D")
        sick_call(actor=world.community_staff, assignment=row)
        first = api.post(f"/api/v1/duty/shifts/{row.pk}/resolve")
        again = api.post(f"/api/v1/duty/shifts/{row.pk}/resolve")
        assert (first.status_code, again.status_code) == (201, 200)
        body = first.json()
        assert body["id"] == again.json()["id"] and body["status"] == ResolveStatus.READY
        assert len(body["added"]) == len(body["dropped"]) + 1
        read = api.get(f"/api/v1/duty/resolves/{body['id']}").json()
        assert read["added"] == body["added"]
        applied = api.post(f"/api/v1/duty/resolves/{body['id']}/apply")
        assert applied.status_code == 200 and applied.json()["status"] == ResolveStatus.APPLIED
