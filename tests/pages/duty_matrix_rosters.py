"""The roster pages, merged into test_page_matrix: ROUTES (name: (args factory, expected
GET status per persona)) and POST_ROUTES (name: expected status of an empty POST).

Community C1's duty: those who manage duty over it (the admin, the district's and the
street's officers, C1's staff) see it (200); the other street's officer, who manages duty
elsewhere, gets 404; those with no duty to manage (grid workers, the checkpoint volunteer,
the schools' roles) get 403."""

import datetime
from decimal import Decimal

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
MANAGE_DUTY = {*OVER_C1, "outsider"}


def _table(ok: int) -> dict[str, int]:
    """``ok`` over C1, 404 for those who manage duty elsewhere, 403 for the rest."""
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_DUTY else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _c1(w):
    return [w.community.pk]


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
    "duty:units": (lambda w: [], {**_all(200), **dict.fromkeys(set(PERSONAS) - MANAGE_DUTY, 403)}),
    "duty:index": (_c1, _table(200)),
    "duty:roster_new": (_c1, _all(405)),
    "duty:roster": (_roster_id, _table(200)),
    "duty:roster_progress": (_roster_id, _table(200)),
    "duty:roster_publish": (_roster_id, _all(405)),
    "duty:roster_print": (_roster_id, _table(200)),
    # The roster as .xlsx: a download, audited.
    "duty:roster_export": (_roster_id, _table(200)),
    "duty:assignment_pin": (_assignment_id, _all(405)),
}

POST_ROUTES: dict = {
    "duty:units": _all(405),
    "duty:index": _all(405),
    # An empty solve form: its errors, nothing started.
    "duty:roster_new": _table(400),
    "duty:roster": _all(405),
    "duty:roster_progress": _all(405),
    # Publishing needs no input: the solved roster is published.
    "duty:roster_publish": _table(302),
    "duty:roster_print": _all(405),
    "duty:roster_export": _all(405),
    # An empty pin names neither fixing nor freeing: a message and back, nothing changed.
    "duty:assignment_pin": _table(302),
}
