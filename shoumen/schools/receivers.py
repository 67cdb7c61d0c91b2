"""Within the schools app: what runs when a class check is committed, and what the alerts
app needs to know of schools (their alerts' escalation step, labels and messages)."""

import datetime
import logging

log = logging.getLogger("shoumen.schools")


def evaluate_school_of_check(sender, check, **kwargs) -> None:
    """A committed check with a case in it (a sick absentee, a pupil unwell) may cross a
    threshold: evaluate that one school's rules now. A check without one (most of them) adds
    no case and crosses nothing; what time alone changes is the scheduled run's. A failure
    is logged, not raised: the check is in, and the scheduled run catches up."""
    from shoumen.schools.outbreaks import school_rules_evaluate

    if not (check.sick_absent or check.symptomatic):
        return
    try:
        school_rules_evaluate(school_ids=[check.school_id])
    except Exception:
        log.exception("school rules failed after a check of school %s", check.school_id)


def _school_escalation_step() -> datetime.timedelta:
    from shoumen.schools.config import current_rules

    return datetime.timedelta(hours=current_rules().escalation_hours)


def connect_all() -> None:
    """Connect the schools app's receivers."""
    from shoumen.alerts import families, messages
    from shoumen.schools import epidemic_services, signals
    from shoumen.schools.symptoms import WATCHED

    signals.class_check_submitted.connect(
        evaluate_school_of_check, dispatch_uid="schools.outbreaks.evaluate_school_of_check"
    )
    families.set_step(families.SCHOOL, _school_escalation_step)
    messages.register_labels(WATCHED)
    messages.register("school.report_sent", epidemic_services.TITLE_REPORT_SENT)
