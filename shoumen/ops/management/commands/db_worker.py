"""`shoumen db_worker`: django_tasks_db's worker, holding a lock that says it is alive.

Every option and behaviour is theirs. Before taking tasks the worker takes its lock (named
by its worker id) and puts back on the queue the tasks of workers that died mid-task
(``shoumen.ops.workers``); it holds the lock until it exits. On PostgreSQL its sessions
bear its name, so that one still running after the worker died keeps its task. With
``--reload`` the lock is taken in the process that runs the tasks, not in the one that
watches the files.
"""

import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from shoumen.ops.workers import (
    WorkerLockTaken,
    tasks_recover_orphans,
    worker_lock_held,
    worker_predecessor_wait,
    worker_sessions_named,
)

log = logging.getLogger("shoumen.ops.workers")

# The pauses between a starting worker's attempts to take back its predecessor's tasks.
RETRY_PAUSES = (1.0, 2.0, 4.0, 8.0)


def _recover_predecessor(worker_id: str) -> None:
    """Take back the tasks of this worker id's dead predecessor, trying again a few times;
    raises CommandError when it cannot, so that the worker exits and its process manager
    starts it again. Nothing else would: to the schedule's job, the id lives."""
    for attempt, pause in enumerate((*RETRY_PAUSES, None), start=1):
        try:
            worker_predecessor_wait(worker_id)
            tasks_recover_orphans(restarted=worker_id)
            return
        except Exception as error:
            if pause is None:
                log.exception("worker %s could not recover orphaned tasks", worker_id)
                raise CommandError(
                    f"worker {worker_id!r} could not recover its predecessor's tasks"
                    f" ({attempt} attempts)"
                ) from error
            log.warning(
                "worker %s could not recover orphaned tasks (%s); trying again in %g s",
                worker_id,
                type(error).__name__,
                pause,
            )
            time.sleep(pause)


class Command(db_worker.Command):
    def handle(self, *args: Any, worker_id: str, reload: bool, batch: bool, **options: Any) -> None:
        run = super().handle
        options.update(worker_id=worker_id, reload=reload, batch=batch)
        if reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            run(*args, **options)  # the watcher: it starts the process that runs the tasks
            return
        try:
            with worker_sessions_named(worker_id), worker_lock_held(worker_id):
                _recover_predecessor(worker_id)
                run(*args, **options)
        except WorkerLockTaken as error:
            raise CommandError(str(error)) from error
