"""The schools pages of this part, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona)."""

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
RECORD_CHECKS = {"admin_user", "teacher", "other_teacher", "school_doctor"}
MANAGE_PUPILS = {"admin_user", "school_doctor", "principal"}
# Class K1 is outside the other class's teacher's scope.
SEE_CLASS_A = VIEW_SCHOOLS - {"other_teacher"}


def _table(holders: set[str], inside: set[str], ok: int) -> dict[str, int]:
    """``ok`` inside, 404 for holders of the permission outside, 403 for the rest."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _ming(w):
    return [w.pupil("张小明").pk]


ROUTES: dict = {
    "schools:my_classes": (lambda w: [], _table(VIEW_SCHOOLS, VIEW_SCHOOLS, 200)),
    "schools:school": (lambda w: [w.school.pk], _table(VIEW_SCHOOLS, VIEW_SCHOOLS, 200)),
    "schools:class_today": (lambda w: [w.class_a.pk], _table(VIEW_SCHOOLS, SEE_CLASS_A, 200)),
    "schools:check_new": (
        lambda w: [w.class_a.pk, "morning"],
        _table(RECORD_CHECKS, RECORD_CHECKS - {"other_teacher"}, 200),
    ),
    "schools:class_pupils": (lambda w: [w.class_a.pk], _table(VIEW_SCHOOLS, SEE_CLASS_A, 200)),
    "schools:pupil": (_ming, _table(VIEW_SCHOOLS, SEE_CLASS_A, 200)),
    "schools:pupil_edit": (_ming, _table(MANAGE_PUPILS, MANAGE_PUPILS, 200)),
    "schools:guardian_add": (_ming, _all(405)),
}

_CLASS_PUPILS_POST = _table(VIEW_SCHOOLS, SEE_CLASS_A, 403)
_CLASS_PUPILS_POST.update(dict.fromkeys(MANAGE_PUPILS, 400))

POST_ROUTES: dict = {
    "schools:my_classes": _all(405),
    "schools:school": _all(405),
    "schools:class_today": _all(405),
    "schools:check_new": _table(RECORD_CHECKS, RECORD_CHECKS - {"other_teacher"}, 400),
    # Those who see the class but may not add pupils are refused (403); out of scope 404.
    "schools:class_pupils": _CLASS_PUPILS_POST,
    "schools:pupil": _all(405),
    "schools:pupil_edit": _table(MANAGE_PUPILS, MANAGE_PUPILS, 400),
    "schools:guardian_add": _table(MANAGE_PUPILS, MANAGE_PUPILS, 400),
}
