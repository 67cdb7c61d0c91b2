"""The duty rest pages, merged into test_page_matrix: ROUTES (name: (args factory, GET
status per persona)) and POST_ROUTES (name: status of an empty POST per persona).

Those who manage duty over community C1 see its rest watch and hours ledger and issue
rest notices (200); the other street's officer manages duty elsewhere (404); everyone
else has no duty management (403). The checkpoint volunteer stands duty in C1 and sees
their own figures and their own rest notice (200), nobody else's."""

import datetime

from tests.pages.duty_matrix_common import c1, everyone, volunteer_on_duty
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
ELSEWHERE = {"outsider"}


def _table(ok: int, *, own: int | None = None) -> dict[str, int]:
    """``ok`` over C1, 404 elsewhere, 403 without duty management; ``own`` for the
    volunteer reading what is theirs."""
    table = {p: (ok if p in OVER_C1 else 404 if p in ELSEWHERE else 403) for p in PERSONAS}
    if own is not None:
        table["volunteer"] = own
    table[ANONYMOUS] = 302
    return table


def _person(w):
    return [volunteer_on_duty(w).pk]


def _notice(w):
    from shoumen.duty.models import RestNotice

    person = volunteer_on_duty(w)
    day = datetime.date(2026, 3, 3)
    notice = RestNotice.objects.filter(person=person).first() or RestNotice.objects.create(
        person=person, days_without_rest=8, rest_from=day, rest_to=day, issued_by=w.community_staff
    )
    return [notice.pk]


ROUTES: dict = {
    "duty:rest": (c1, _table(200)),
    "duty:person_rest": (_person, _table(200, own=200)),
    "duty:rest_notice_new": (_person, _table(200)),
    # The notice as a PDF: a download, audited.
    "duty:rest_notice_pdf": (_notice, _table(200, own=200)),
    "duty:hours": (c1, _table(200)),
    # The month's ledger as .xlsx: a download, audited.
    "duty:hours_ledger": (c1, _table(200)),
}

POST_ROUTES: dict = {
    "duty:rest": everyone(405),
    "duty:person_rest": everyone(405),
    # An empty form names no days: its errors, nothing written.
    "duty:rest_notice_new": _table(400),
    "duty:rest_notice_pdf": everyone(405),
    "duty:hours": everyone(405),
    "duty:hours_ledger": everyone(405),
}
