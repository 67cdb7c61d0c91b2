"""The schools pages of this part, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona)."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
# Who sends a school's epidemic report, and who receives it (the admin does both).
SENDERS = {"admin_user", "school_doctor", "principal"}
RECEIVERS = {"admin_user", "education_officer", "cdc_officer"}
SEE_REPORTS = SENDERS | RECEIVERS


def _table(inside: set[str], ok: int, outside: int = 403) -> dict[str, int]:
    table = {p: (ok if p in inside else outside) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _school_alert(w, key: str):
    """An open high-fever alert on class K1 (by its key: one per use)."""
    from shoumen.alerts.models import Cause
    from shoumen.alerts.services import alert_raise_for_unit

    alert, _ = alert_raise_for_unit(
        unit=w.class_a.unit,
        cause=Cause.SCHOOL_HIGH_FEVER,
        key=key,
        details={"count": 1, "pupils": [w.pupil("张小明").pk], "due_hours": 24},
        owner=w.school_doctor,
        due_minutes=24 * 60,
    )
    return alert


def _alert_to_report(w):
    return [_school_alert(w, "pupil:matrix-new").pk]


def _report(w):
    """The epidemic report of another alert, sent by the school's health officer."""
    from shoumen.schools.epidemic_services import epidemic_report_send

    report, _ = epidemic_report_send(
        actor=w.school_doctor,
        alert=_school_alert(w, "pupil:matrix-sent"),
        actions=["guardians_notified"],
    )
    return [report.pk]


ROUTES: dict = {
    "schools:epidemic_reports": (lambda w: [], _table(SEE_REPORTS, 200)),
    "schools:epidemic_report": (_report, _table(SEE_REPORTS, 200)),
    "schools:epidemic_report_new": (_alert_to_report, _table(SENDERS, 200)),
    "schools:epidemic_report_acknowledge": (_report, _all(405)),
}

POST_ROUTES: dict = {
    "schools:epidemic_reports": _all(405),
    "schools:epidemic_report": _all(405),
    "schools:epidemic_report_new": _table(SENDERS, 400),
    "schools:epidemic_report_acknowledge": _table(RECEIVERS, 400),
}


def school_day(w) -> dict:
    """The school alerts' part of the day's work (tests.pages.home_world): an alert to
    report, and a report sent for the CDC and the education bureau to acknowledge."""
    return {
        "school_alert": _school_alert(w, "pupil:matrix-new"),
        "epidemic_report": _report(w)[0],
    }
