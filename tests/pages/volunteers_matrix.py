"""The volunteer registry's pages, merged into test_page_matrix: ROUTES (name: (args
factory, expected GET status per persona)) and POST_ROUTES (name: expected status of an
empty POST).

Community C1's volunteers: those who manage volunteers over it (the admin, the district's
and the street's officers, C1's staff) see them (200); the other street's officer, who
manages volunteers elsewhere, gets 404; everyone else 403. The public sign-up page answers
everyone, anonymous included (200; an empty POST is its form's errors, 400). A volunteer's
own page answers every login; its certificate only the checkpoint volunteer, whose login
is linked to a volunteer of C1."""

from tests.pages.duty_matrix_common import ANONYMOUS, OVER_C1, c1, everyone
from tests.personas import PERSONAS

MANAGE_VOLUNTEERS = {*OVER_C1, "outsider"}


def manage_table(ok: int) -> dict[str, int]:
    """``ok`` over C1, 404 for those who manage volunteers elsewhere, 403 for the rest."""
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_VOLUNTEERS else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _volunteer(w):
    """An approved volunteer of C1."""
    from shoumen.registry.models import Volunteer

    return [Volunteer.objects.get_or_create(community=w.community, name="矩阵登记志愿者")[0].pk]


def _pending(w):
    """A pending QR sign-up of C1, made afresh for each request (approving it changes it)."""
    from shoumen.registry.models import Volunteer, VolunteerSource, VolunteerStatus

    v = Volunteer.objects.create(
        community=w.community,
        name="矩阵报名者",
        status=VolunteerStatus.PENDING,
        source=VolunteerSource.SIGN_UP,
        is_active=False,
    )
    return [v.pk]


def _own(w):
    """No arguments; makes sure the checkpoint volunteer's login is a volunteer of C1."""
    from shoumen.registry.models import Volunteer

    Volunteer.objects.get_or_create(
        user=w.volunteer, defaults={"community": w.community, "name": "志愿者小李"}
    )
    return []


def _key(w):
    from shoumen.services.volunteer_selectors import sign_up_key

    return [sign_up_key(w.community)]


def _none(w):
    return []


OWN_CERTIFICATE = {**everyone(404), "volunteer": 200}

ROUTES: dict = {
    "volunteers:index": (_none, {**manage_table(200), "outsider": 200}),
    "volunteers:me": (_own, everyone(200)),
    "volunteers:me_certificate": (_own, OWN_CERTIFICATE),
    "volunteers:list": (c1, manage_table(200)),
    "volunteers:new": (c1, manage_table(200)),
    "volunteers:ledger": (c1, manage_table(200)),
    "volunteers:qr": (c1, manage_table(200)),
    "volunteers:qr_png": (c1, manage_table(200)),
    "volunteers:qr_svg": (c1, manage_table(200)),
    "volunteers:detail": (_volunteer, manage_table(200)),
    "volunteers:edit": (_volunteer, manage_table(200)),
    "volunteers:certificate": (_volunteer, manage_table(200)),
    "volunteers:approve": (_pending, everyone(405)),
    "volunteers:reject": (_pending, manage_table(200)),
    "volunteers:join": (_key, everyone(200, anonymous=200)),
}

POST_ROUTES: dict = {
    "volunteers:index": everyone(405),
    "volunteers:me": everyone(405),
    "volunteers:me_certificate": everyone(405),
    "volunteers:list": everyone(405),
    "volunteers:new": manage_table(400),
    "volunteers:ledger": everyone(405),
    "volunteers:qr": everyone(405),
    "volunteers:qr_png": everyone(405),
    "volunteers:qr_svg": everyone(405),
    "volunteers:detail": everyone(405),
    "volunteers:edit": manage_table(400),
    "volunteers:certificate": everyone(405),
    # Approving needs no input: the fresh sign-up is approved, back to its page.
    "volunteers:approve": manage_table(302),
    # Rejecting needs a reason.
    "volunteers:reject": manage_table(400),
    # The public form's errors, for everyone.
    "volunteers:join": everyone(400, anonymous=400),
}
