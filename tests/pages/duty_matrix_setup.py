"""The duty set-up pages, merged into test_page_matrix: ROUTES (name: (args factory,
expected GET status per persona)) and POST_ROUTES (name: expected status of an empty POST).

Community C1's duty set-up: those who manage duty over it (the admin, the district's and
the street's officers, C1's staff) see it (200); the other street's officer, who manages
duty elsewhere, gets 404; those with no duty to manage (grid workers, the checkpoint
volunteer, the schools' roles) get 403."""

import datetime

from tests.pages.duty_matrix_common import c1, duty_table, everyone


def _post(w):
    """A patrol post of C1 with one shift."""
    from decimal import Decimal

    from shoumen.duty.models import Post, PostKind, Shift

    post, created = Post.objects.get_or_create(
        community=w.community, name="矩阵巡逻岗", defaults={"kind": PostKind.PATROL}
    )
    if created:
        Shift.objects.create(
            post=post, code="D", label="白班", start=datetime.time(8), hours=Decimal(8)
        )
    return [post.pk]


def _person_obj(w):
    from shoumen.duty.models import DutyPerson
    from shoumen.registry.models import Volunteer

    volunteer = Volunteer.objects.get_or_create(community=w.community, name="矩阵志愿者")[0]
    return DutyPerson.objects.get_or_create(
        community=w.community, volunteer=volunteer, defaults={"name": volunteer.name}
    )[0]


def _person(w):
    return [_person_obj(w).pk]


def _absence(w):
    """A day of leave of C1's volunteer on duty, made afresh for each request."""
    from shoumen.duty.models import Absence, AbsenceKind
    from shoumen.lib.dates import today

    day = today() + datetime.timedelta(days=30)
    absence = Absence.objects.create(
        person=_person_obj(w), kind=AbsenceKind.LEAVE, starts_on=day, ends_on=day
    )
    return [absence.pk]


ROUTES: dict = {
    "duty:posts": (c1, duty_table(200)),
    "duty:posts_from_checkpoints": (c1, everyone(405)),
    "duty:post_new": (c1, duty_table(200)),
    "duty:post_edit": (_post, duty_table(200)),
    "duty:people": (c1, duty_table(200)),
    "duty:person_new": (c1, duty_table(200)),
    "duty:person": (_person, duty_table(200)),
    "duty:person_edit": (_person, duty_table(200)),
    "duty:absence_delete": (_absence, everyone(405)),
}

POST_ROUTES: dict = {
    "duty:posts": everyone(405),
    # Needs no input: a post for each checkpoint without one (none in the world), back to
    # the list.
    "duty:posts_from_checkpoints": duty_table(302),
    "duty:post_new": duty_table(400),
    "duty:post_edit": duty_table(400),
    "duty:people": everyone(405),
    "duty:person_new": duty_table(400),
    # The person's page takes an absence: empty, its errors.
    "duty:person": duty_table(400),
    "duty:person_edit": duty_table(400),
    # Removing an absence needs no input.
    "duty:absence_delete": duty_table(302),
}
