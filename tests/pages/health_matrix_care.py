"""The health centre's elderly check, surveys and work points, merged into
test_page_matrix: ROUTES (name: (args factory, expected GET status per persona)) and
POST_ROUTES (name: expected status of an empty POST).

Health roles (the admin, and the doctor, nurse and manager assigned at C1) reach 曾丽's
check and the centre's survey; every other role gets 403. The register needs
``export_health_ledgers`` (not the nurse); opening surveys and the point rules are the
manager's; a person's points are their own and their manager's (the nurse: 404). The
survey's QR page needs no login."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
MANAGERS = {"admin_user", "centre_manager"}
EXPORTERS = {"admin_user", "family_doctor", "centre_manager"}
CHECK_UUID = uuid.UUID("7d2e3f4a-9c6b-4a55-9c83-4b5e6f708192")


def _table(inside: set[str], ok: int, other: int, anonymous: int = 302, **by) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = anonymous
    return table


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _none(w):
    return []


def _check(w):
    """曾丽's elderly check this year, booked by the family doctor."""
    from shoumen.healthcentre.elderly_services import elderly_check_book
    from shoumen.lib.dates import today

    check, _ = elderly_check_book(
        actor=w.family_doctor, person=w.zeng, year=today().year, client_uuid=CHECK_UUID
    )
    return [check.pk]


def survey_of(w):
    """This quarter's survey of the centre, opened by its manager."""
    import datetime

    from shoumen.healthcentre.models import Survey
    from shoumen.healthcentre.survey_services import survey_open
    from shoumen.lib.dates import today

    day = today()
    quarter = (day.month - 1) // 3 + 1
    found = Survey.objects.filter(centre=w.health_centre, year=day.year, quarter=quarter).first()
    return found or survey_open(
        actor=w.centre_manager,
        centre=w.health_centre,
        year=day.year,
        quarter=quarter,
        opens_on=day,
        closes_on=day + datetime.timedelta(days=30),
    )


def _survey(w):
    return [survey_of(w).pk]


def _token(w):
    return [survey_of(w).token]


def _doctor(w):
    return [w.family_doctor.pk]


HEALTH_PAGE = _table(HEALTH, 200, 403)
HEALTH_FORM = _table(HEALTH, 400, 403)

ROUTES: dict = {
    "health:elderly": (_none, HEALTH_PAGE),
    # The booking page is reached from the list with the resident chosen.
    "health:elderly_book": (_none, _table(HEALTH, 404, 403)),
    "health:elderly_ledger": (_none, _table(EXPORTERS, 200, 403)),
    "health:elderly_check": (_check, HEALTH_PAGE),
    "health:elderly_rebook": (_check, everyone(405)),
    "health:elderly_cancel": (_check, everyone(405)),
    "health:surveys": (_none, HEALTH_PAGE),
    "health:survey": (_survey, HEALTH_PAGE),
    "health:survey_poster": (_survey, HEALTH_PAGE),
    "health:survey_answer": (_token, everyone(200, anonymous=200)),
    "health:points": (_none, HEALTH_PAGE),
    "health:point_rules": (_none, _table(MANAGERS, 200, 403)),
    "health:points_person": (_doctor, _table(HEALTH, 200, 403, centre_nurse=404)),
}

POST_ROUTES: dict = {
    "health:elderly": everyone(405),
    # No resident chosen: said so, nothing written.
    "health:elderly_book": HEALTH_FORM,
    "health:elderly_ledger": everyone(405),
    "health:elderly_check": HEALTH_FORM,
    "health:elderly_rebook": HEALTH_FORM,
    # Not confirmed: said so, nothing written.
    "health:elderly_cancel": HEALTH_FORM,
    "health:surveys": _table(MANAGERS, 400, 403),
    "health:survey": everyone(405),
    "health:survey_poster": everyone(405),
    # Nobody named: the one generic "could not check who you are".
    "health:survey_answer": everyone(400, anonymous=400),
    "health:points": everyone(405),
    "health:point_rules": _table(MANAGERS, 400, 403),
    "health:points_person": everyone(405),
}
