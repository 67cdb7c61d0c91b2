"""Scheduled work of the schools app (see ``shoumen.schedule``)."""

from django_tasks import task

from shoumen.schools.outbreaks import school_rules_evaluate


@task()
def school_rules_evaluate_task() -> dict[str, int]:
    """The district-wide run of the school rules, catching up on what the checks' own
    evaluation missed (late entries, follow-ups' diagnoses)."""
    return school_rules_evaluate()
