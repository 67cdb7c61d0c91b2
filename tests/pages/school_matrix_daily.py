"""The schools pages of this part, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona)."""

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
# Who sees the first school (SCH1) as a whole; class teachers see their class only.
SEE_SCHOOL = VIEW_SCHOOLS - {"teacher", "other_teacher"}
REPORT_SCHOOL = {"admin_user", "school_doctor", "principal"}


def _table(inside: set[str], ok: int, holders: set[str] = VIEW_SCHOOLS) -> dict[str, int]:
    """``ok`` inside, 404 for other holders of the schools view, 403 for the rest."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _school(w):
    return [w.school.pk]


def _todays_report(w):
    return [w.school.pk, today().isoformat()]


ROUTES: dict = {
    "schools:today": (_school, _table(SEE_SCHOOL, 200)),
    "schools:daily_report": (_todays_report, _table(SEE_SCHOOL, 200)),
    # A teacher's scope is a class: no board of theirs (404).
    "schools:board": (lambda w: [], _table(SEE_SCHOOL, 200)),
    "schools:rates": (lambda w: [], _table(SEE_SCHOOL, 200)),
}

# An empty confirm: refused (400) while classes are missing or on a day without school;
# the education bureau and CDC see the report but do not confirm it (403).
_CONFIRM = _table(SEE_SCHOOL, 403)
_CONFIRM.update(dict.fromkeys(REPORT_SCHOOL, 400))

POST_ROUTES: dict = {
    "schools:today": _all(405),
    "schools:daily_report": _CONFIRM,
    "schools:board": _all(405),
    "schools:rates": _all(405),
}
