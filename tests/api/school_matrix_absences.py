"""The schools API operations of this part, merged into test_api_matrix: OPERATIONS as
there ((method, template): (body factory, expected status per persona)), QUERIES
((method, template): query-string factory) and PATH_IDS (template: world -> the id that
fills ``{id}``)."""

import uuid

from shoumen.lib.dates import today
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
VIEW_SCHOOLS = {
    "admin_user",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}
FOLLOW_UP = {"admin_user", "school_doctor"}


def _only(allowed: set[str], ok: int) -> dict[str, int]:
    """``ok`` for ``allowed``; a role without the permission anywhere is refused (403)."""
    table = {p: ok if p in allowed else 403 for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


def _absence_id(w) -> int:
    """An open illness absence of 张小明 (class K1), as a class check opens one."""
    from shoumen.schools.models import Absence

    pupil = w.pupil("张小明")
    found = Absence.objects.filter(pupil=pupil).exclude(status="returned").first()
    if found is None:
        found = Absence.objects.create(
            pupil=pupil, klass=pupil.klass, school=pupil.school, first_day=today()
        )
    return found.pk


def _follow_up(w) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "date": today().isoformat(), "course": "same"}


OPERATIONS: dict = {
    ("GET", "/absences"): (lambda w: None, _only(VIEW_SCHOOLS, 200)),
    ("POST", "/absences/{id}/follow-ups"): (_follow_up, _only(FOLLOW_UP, 201)),
}
QUERIES: dict = {
    ("GET", "/absences"): lambda w: f"?school={w.school.pk}&status=open",
}
PATH_IDS: dict = {
    "/absences/{id}/follow-ups": _absence_id,
}
