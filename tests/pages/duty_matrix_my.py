"""One's own shifts, merged into test_page_matrix (ROUTES, POST_ROUTES).

Everyone logged in has the page (empty for someone not on duty); the calendar feed answers
anyone holding its secret address. A shift of the checkpoint volunteer may be checked in by
the volunteer and by those who manage duty over community C1; anyone else gets 404."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests.pages.duty_matrix_common import volunteer_on_duty
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}


def _all(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _shift_now(w):
    """The checkpoint volunteer's shift on now in a published roster of C1."""
    from shoumen.duty.models import Assignment, Post, PostKind, Roster, RosterStatus, Shift

    person = volunteer_on_duty(w)
    post, _ = Post.objects.get_or_create(
        community=w.community, name="监测点", defaults={"kind": PostKind.MONITORING}
    )
    shift, _ = Shift.objects.get_or_create(
        post=post,
        code="D",
        defaults={"label": "白班", "start": datetime.time(8), "hours": Decimal(12)},
    )
    today = timezone.localdate()
    roster = Roster.objects.create(
        community=w.community, starts_on=today, ends_on=today, status=RosterStatus.PUBLISHED
    )
    now = timezone.now()
    return Assignment.objects.create(
        roster=roster,
        shift=shift,
        date=today,
        person=person,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=7),
    )


def _check_in_args(w):
    return [_shift_now(w).pk]


def _token(w):
    return [volunteer_on_duty(w).calendar_token]


CHECK_IN = {p: (302 if p in OVER_C1 | {"volunteer"} else 404) for p in PERSONAS}
CHECK_IN[ANONYMOUS] = 302

ROUTES: dict = {
    "duty:my_shifts": (lambda w: [], _all(200)),
    "duty:check_in": (_check_in_args, _all(405)),
    "duty:calendar_reset": (lambda w: [], _all(405)),
    # The feed needs no login: its address is the secret.
    "duty:calendar": (_token, _all(200, anonymous=200)),
}

POST_ROUTES: dict = {
    "duty:my_shifts": _all(405),
    # An empty check-in says so and goes back to the page; nothing is written.
    "duty:check_in": CHECK_IN,
    # An unconfirmed reset says so and goes back to the page; nothing is written.
    "duty:calendar_reset": _all(302),
    "duty:calendar": _all(405, anonymous=405),
}
