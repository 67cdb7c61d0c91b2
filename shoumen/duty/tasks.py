"""Background work of the duty app."""

import contextlib

from django.utils import translation
from django_tasks import task

from shoumen.duty.resolve_services import roster_resolve_run
from shoumen.duty.roster_services import roster_solve_run


@task()
def roster_solve_task(roster_id: int, language: str = "") -> None:
    """Solve a roster; what cannot be met is written in the language of who asked."""
    with translation.override(language) if language else contextlib.nullcontext():
        roster_solve_run(roster_id)


@task()
def roster_resolve_task(resolve_id: int, language: str = "") -> None:
    """Solve a published roster again around a sick call, in the language of who asked."""
    with translation.override(language) if language else contextlib.nullcontext():
        roster_resolve_run(resolve_id)
