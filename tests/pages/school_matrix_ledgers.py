"""The schools pages of this part, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona).

The school ledgers: anyone with the export right who sees schools (the first school's
health officer and principal, the district's education bureau and CDC officers, the
administrator). The roster import: who may edit the first school's pupils."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"


def _table(inside: set[str], yes: int, no: int) -> dict[str, int]:
    table = {p: (yes if p in inside else no) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


EXPORTERS = {"admin_user", "school_doctor", "principal", "education_officer", "cdc_officer"}
PUPIL_EDITORS = {"admin_user", "school_doctor", "principal"}

ROUTES: dict = {
    "schools:ledger": (lambda w: ["checks"], _table(EXPORTERS, 200, 403)),
    "schools:roster_import": (lambda w: [w.school.pk], _table(PUPIL_EDITORS, 200, 404)),
    "schools:roster_template": (lambda w: [], _table(PUPIL_EDITORS, 200, 403)),
}
POST_ROUTES: dict = {
    "schools:ledger": _table(EXPORTERS, 400, 403),
    "schools:roster_import": _table(PUPIL_EDITORS, 400, 404),
    "schools:roster_template": _table(set(), 405, 405),
}
