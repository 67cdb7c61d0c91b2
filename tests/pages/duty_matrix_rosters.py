"""The roster pages, merged into test_page_matrix: ROUTES (name: (args factory, expected
GET status per persona)) and POST_ROUTES (name: expected status of an empty POST).

Community C1's duty: those who manage duty over it (the admin, the district's and the
street's officers, C1's staff) see it (200); the other street's officer, who manages duty
elsewhere, gets 404; those with no duty to manage (grid workers, the checkpoint volunteer,
the schools' roles) get 403."""

import datetime
from decimal import Decimal

from tests.pages.duty_matrix_common import MANAGE_DUTY, c1, duty_table, everyone
from tests.personas import PERSONAS


def _roster(w):
    """A solved roster of C1 over today with one shift stood (written directly)."""
    from django.utils import timezone

    from shoumen.duty.models import Assignment, DutyPerson, Post, PostKind, Roster, Shift
    from shoumen.lib.dates import today

    found = Roster.objects.filter(community=w.community, message="矩阵排班").first()
    if found is not None:
        return found
    post = Post.objects.get_or_create(
        community=w.community, name="矩阵值班室", defaults={"kind": PostKind.DUTY_ROOM}
    )[0]
    shift = Shift.objects.get_or_create(
        post=post,
        code="D",
        defaults={"label": "白班", "start": datetime.time(8), "hours": Decimal(12)},
    )[0]
    person = DutyPerson.objects.get_or_create(
        community=w.community, user=w.community_staff, defaults={"name": "社区工作人员"}
    )[0]
    day = today()
    roster = Roster.objects.create(
        community=w.community, starts_on=day, ends_on=day, status="solved", message="矩阵排班"
    )
    starts = timezone.make_aware(datetime.datetime.combine(day, shift.start))
    Assignment.objects.create(
        roster=roster,
        shift=shift,
        date=day,
        person=person,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=12),
    )
    return roster


def _roster_id(w):
    return [_roster(w).pk]


def _assignment_id(w):
    return [_roster(w).assignments.get().pk]


ROUTES: dict = {
    "duty:units": (
        lambda w: [],
        {**everyone(200), **dict.fromkeys(set(PERSONAS) - MANAGE_DUTY, 403)},
    ),
    "duty:index": (c1, duty_table(200)),
    "duty:roster_new": (c1, everyone(405)),
    "duty:roster": (_roster_id, duty_table(200)),
    "duty:roster_progress": (_roster_id, duty_table(200)),
    "duty:roster_publish": (_roster_id, everyone(405)),
    "duty:roster_print": (_roster_id, duty_table(200)),
    # The roster as .xlsx: a download, audited.
    "duty:roster_export": (_roster_id, duty_table(200)),
    "duty:assignment_pin": (_assignment_id, everyone(405)),
}

POST_ROUTES: dict = {
    "duty:units": everyone(405),
    "duty:index": everyone(405),
    # An empty solve form: its errors, nothing started.
    "duty:roster_new": duty_table(400),
    "duty:roster": everyone(405),
    "duty:roster_progress": everyone(405),
    # Publishing needs no input: the solved roster is published.
    "duty:roster_publish": duty_table(302),
    "duty:roster_print": everyone(405),
    "duty:roster_export": everyone(405),
    # An empty pin names neither fixing nor freeing: a message and back, nothing changed.
    "duty:assignment_pin": duty_table(302),
}
