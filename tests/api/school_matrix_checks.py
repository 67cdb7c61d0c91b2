"""The schools API operations of this part, merged into test_api_matrix: OPERATIONS as
there ((method, template): (body factory, expected status per persona)), QUERIES
((method, template): query-string factory) and PATH_IDS (template: world -> the id that
fills ``{id}``)."""

import datetime
import uuid

from shoumen.lib.dates import today
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
# Who holds each permission somewhere; everyone else is refused outright (403).
VIEW_SCHOOLS = {
    "admin_user",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}
RECORD_CHECKS = {"admin_user", "teacher", "other_teacher", "school_doctor"}


def _table(holders: set[str], inside: set[str], ok: int = 200) -> dict[str, int]:
    """``ok`` inside the scope, 404 for holders outside it, 403 for the rest."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


def _latest_school_day() -> datetime.date:
    from shoumen.schools.calendar import is_working_day

    day = today()
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _check(w) -> dict:
    """The one-tap zero report of class K1 (all its pupils present) for the latest school day."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "class_id": w.class_a.pk,
        "date": _latest_school_day().isoformat(),
        "session": "morning",
        "present": w.class_a.pupils.filter(active=True).count(),
        "absences": [],
        "symptomatic": [],
    }


OPERATIONS: dict = {
    ("GET", "/schools"): (lambda w: None, _table(VIEW_SCHOOLS, VIEW_SCHOOLS)),
    # A class teacher sees their class's school (with their class only).
    ("GET", "/schools/{id}/classes"): (
        lambda w: None,
        _table(VIEW_SCHOOLS, VIEW_SCHOOLS),
    ),
    ("GET", "/classes/{id}/pupils"): (
        lambda w: None,
        _table(VIEW_SCHOOLS, VIEW_SCHOOLS - {"other_teacher"}),
    ),
    ("POST", "/class-checks"): (
        _check,
        _table(RECORD_CHECKS, RECORD_CHECKS - {"other_teacher"}, ok=201),
    ),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/schools/{id}/classes": lambda w: w.school.pk,
    "/classes/{id}/pupils": lambda w: w.class_a.pk,
}
