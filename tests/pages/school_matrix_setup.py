"""The pages that set schools up, merged into test_page_matrix (see school_matrix_checks)."""

from tests.pages.school_matrix_checks import MANAGE_PUPILS, VIEW_SCHOOLS, _table

MANAGE_SCHOOLS = {"admin_user", "education_officer"}

ROUTES: dict = {
    "schools:school_new": (lambda w: [], _table(MANAGE_SCHOOLS, MANAGE_SCHOOLS, 200)),
    "schools:class_new": (lambda w: [w.school.pk], _table(MANAGE_PUPILS, MANAGE_PUPILS, 200)),
    "schools:terms": (lambda w: [w.school.pk], _table(VIEW_SCHOOLS, VIEW_SCHOOLS, 200)),
}
POST_ROUTES: dict = {
    "schools:school_new": _table(MANAGE_SCHOOLS, MANAGE_SCHOOLS, 400),
    "schools:class_new": _table(MANAGE_PUPILS, MANAGE_PUPILS, 400),
    # Those who see the school but do not manage it are refused the form.
    "schools:terms": {
        **_table(VIEW_SCHOOLS, MANAGE_PUPILS, 400),
        **dict.fromkeys(VIEW_SCHOOLS - MANAGE_PUPILS, 403),
    },
}
